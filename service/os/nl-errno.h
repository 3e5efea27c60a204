#pragma once

/* libnl's own error codes (NLE_*, negative) back to the errno they stand for, so callers print them with %m;
 * what has no errno of its own is -EIO. */
int nl_errno(int nlerr);
