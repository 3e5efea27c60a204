#include <errno.h>

#include <netlink/errno.h>

#include "os/nl-errno.h"

int nl_errno(int nlerr) {
        switch (-nlerr) {
        case NLE_EXIST:
                return -EEXIST;
        case NLE_NOADDR:
        case NLE_OBJ_NOTFOUND:
                return -EADDRNOTAVAIL;
        case NLE_PERM:
                return -EPERM;
        case NLE_NODEV:
                return -ENODEV;
        case NLE_NOMEM:
                return -ENOMEM;
        case NLE_INVAL:
        case NLE_RANGE:
                return -EINVAL;
        case NLE_BUSY:
                return -EBUSY;
        case NLE_OPNOTSUPP:
                return -EOPNOTSUPP;
        case NLE_AF_NOSUPPORT:
                return -EAFNOSUPPORT;
        case NLE_AGAIN:
                return -EAGAIN;
        default:
                return -EIO;
        }
}
