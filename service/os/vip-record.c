#include <arpa/inet.h>
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "os/runtime-file.h"
#include "os/vip-record.h"
#include "util/cleanup.h"

#define TMP_PREFIX RUNTIME_FILE_TMP_PREFIX

static bool vip_record_ifname_ok(const char *s) {
        size_t n = strnlen(s, IFNAMSIZ);

        /* the kernel's dev_valid_name(), plus '=' and '#' which would confuse our own lines */
        if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '/' || s[i] == ':' || s[i] == '=' || s[i] == '#' ||
                    (unsigned char) s[i] <= ' ' || s[i] == 0x7f)
                        return false;
        return true;
}

static int vip_record_check(const VipRecord *rec) {
        if (rec->family != AF_INET && rec->family != AF_INET6)
                return -EINVAL;
        if (rec->ifindex <= 0 || !vip_record_ifname_ok(rec->ifname))
                return -EINVAL;
        if (rec->prefixlen > (rec->family == AF_INET ? 32 : 128))
                return -EINVAL;
        return 0;
}

/* A record's file name (text false) or contents (text true) into buf; returns the length. */
static int vip_record_print(const VipRecord *rec, bool text, char *buf, size_t size) {
        char addr[INET6_ADDRSTRLEN];
        int n;

        if (vip_record_check(rec) < 0 || !inet_ntop(rec->family, &rec->addr, addr, sizeof(addr)))
                return -EINVAL;
        if (text)
                n = snprintf(
                        buf, size,
                        "# vrrpd: a VIP it added; if vrrpd is not running, it crashed holding this address\n"
                        "ifindex=%d\nifname=%s\naddress=%s/%u\n",
                        rec->ifindex, rec->ifname, addr, rec->prefixlen);
        else
                n = snprintf(buf, size, "vip-%d-%s-%u", rec->ifindex, addr, rec->prefixlen);
        return n < 0 || (size_t) n >= size ? -ENOBUFS : n;
}

int vip_record_name(const VipRecord *rec, char *buf, size_t size) {
        int n;

        assert(rec);
        assert(buf);
        n = vip_record_print(rec, false, buf, size);
        return n < 0 ? n : 0;
}

/* Returns the text's length. */
int vip_record_format(const VipRecord *rec, char *buf, size_t size) {
        assert(rec);
        assert(buf);
        return vip_record_print(rec, true, buf, size);
}

static int vip_record_parse_address(const char *v, VipRecord *rec) {
        char addr[INET6_ADDRSTRLEN + 1], *end;
        const char *slash = strchr(v, '/');
        unsigned long len;

        if (!slash || (size_t) (slash - v) >= sizeof(addr) || !slash[1])
                return -EBADMSG;
        memcpy(addr, v, (size_t) (slash - v));
        addr[slash - v] = 0;
        rec->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(rec->family, addr, &rec->addr) != 1)
                return -EBADMSG;
        errno = 0;
        len = strtoul(slash + 1, &end, 10);
        if (errno != 0 || *end || slash[1] < '0' || slash[1] > '9' ||
            len > (rec->family == AF_INET ? 32 : 128))
                return -EBADMSG;
        rec->prefixlen = (uint8_t) len;
        return 0;
}

static int vip_record_parse_ifindex(const char *v, VipRecord *rec) {
        char *end;
        long i;

        errno = 0;
        i = strtol(v, &end, 10);
        if (errno != 0 || *end || v[0] < '1' || v[0] > '9' || i > INT_MAX)
                return -EBADMSG;
        rec->ifindex = (int) i;
        return 0;
}

/* One `key=value` line; seen collects the keys met, so a repeated one is refused. Unknown keys are ignored
 * (a later version may add some). */
static int vip_record_parse_line(char *line, VipRecord *rec, unsigned *seen, const char **reterr_reason) {
        char *eq = strchr(line, '=');
        int r = 0;

        if (line[0] == 0 || line[0] == '#')
                return 0;
        if (!eq)
                return *reterr_reason = "a line without '='", -EBADMSG;
        *eq = 0;
        if (strcmp(line, "ifindex") == 0 && !(*seen & 1)) {
                *seen |= 1;
                r = vip_record_parse_ifindex(eq + 1, rec);
        } else if (strcmp(line, "ifname") == 0 && !(*seen & 2)) {
                *seen |= 2;
                if (!vip_record_ifname_ok(eq + 1))
                        r = -EBADMSG;
                else
                        snprintf(rec->ifname, sizeof(rec->ifname), "%s", eq + 1);
        } else if (strcmp(line, "address") == 0 && !(*seen & 4)) {
                *seen |= 4;
                r = vip_record_parse_address(eq + 1, rec);
        } else if (strcmp(line, "ifindex") == 0 || strcmp(line, "ifname") == 0 ||
                   strcmp(line, "address") == 0)
                return *reterr_reason = "a key given twice", -EBADMSG;
        if (r < 0)
                *reterr_reason = "a bad ifindex, ifname or address";
        return r;
}

int vip_record_parse(const char *name, const char *text, size_t len, VipRecord *ret,
                     const char **reterr_reason) {
        char copy[VIP_RECORD_TEXT_MAX], expect[VIP_RECORD_NAME_MAX], *save = NULL;
        VipRecord rec = {};
        const char *dummy;
        unsigned seen = 0;
        int r;

        assert(name);
        assert(text);
        assert(ret);
        if (!reterr_reason)
                reterr_reason = &dummy;
        if (len == 0 || len >= sizeof(copy) || memchr(text, 0, len))
                return *reterr_reason = len == 0 ? "empty" : "too long or binary", -EBADMSG;
        if (text[len - 1] != '\n')
                return *reterr_reason = "truncated (no final newline)", -EBADMSG;
        memcpy(copy, text, len);
        copy[len] = 0;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                r = vip_record_parse_line(line, &rec, &seen, reterr_reason);
                if (r < 0)
                        return r;
        }
        if (seen != 7)
                return *reterr_reason = "ifindex, ifname or address missing", -EBADMSG;
        /* A file renamed by hand, or written by someone else, must not make us remove another address. */
        if (vip_record_name(&rec, expect, sizeof(expect)) < 0 || strcmp(name, expect) != 0)
                return *reterr_reason = "its name does not match its contents", -EBADMSG;
        *ret = rec;
        return 0;
}

int vip_record_open_dir(const char *runtime_dir, int *ret_dirfd) {
        assert(runtime_dir);
        assert(ret_dirfd);
        return runtime_dir_open(runtime_dir, "vips", ret_dirfd);
}

int vip_record_add(int dirfd, const VipRecord *rec) {
        char name[VIP_RECORD_NAME_MAX], text[VIP_RECORD_TEXT_MAX];
        int len, r;

        assert(rec);
        r = vip_record_name(rec, name, sizeof(name));
        if (r < 0)
                return r;
        len = vip_record_format(rec, text, sizeof(text));
        if (len < 0)
                return len;
        return runtime_file_write(dirfd, name, text, (size_t) len);
}

int vip_record_discard(int dirfd, const char *name) {
        assert(name);
        return runtime_file_discard(dirfd, name);
}

int vip_record_remove(int dirfd, const VipRecord *rec) {
        char name[VIP_RECORD_NAME_MAX];
        int r;

        assert(rec);
        r = vip_record_name(rec, name, sizeof(name));
        if (r < 0)
                return r;
        return vip_record_discard(dirfd, name);
}

/* Reads one file; -EBADMSG with a reason for what is not a record, -errno when reading failed. */
static int vip_record_read(int dirfd, const char *name, VipRecord *ret, const char **reterr_reason) {
        char text[VIP_RECORD_TEXT_MAX];
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        ssize_t n;

        if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
                return *reterr_reason = "an unfinished write (a crash before its rename)", -EBADMSG;
        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        if (fd < 0 && errno == ELOOP)
                return *reterr_reason = "a symbolic link", -EBADMSG;
        if (fd < 0)
                return *reterr_reason = "cannot be opened", -errno;
        if (fstat(fd, &st) < 0)
                return *reterr_reason = "cannot be read", -errno;
        if (!S_ISREG(st.st_mode))
                return *reterr_reason = "not a regular file", -EBADMSG;
        if (st.st_size >= VIP_RECORD_TEXT_MAX)
                return *reterr_reason = "too large", -EBADMSG;
        n = read(fd, text, sizeof(text));
        if (n < 0)
                return *reterr_reason = "cannot be read", -errno;
        return vip_record_parse(name, text, (size_t) n, ret, reterr_reason);
}

static int vip_record_compare(const void *a, const void *b) {
        const VipRecord *x = a, *y = b;

        if (x->ifindex != y->ifindex)
                return x->ifindex < y->ifindex ? -1 : 1;
        if (x->family != y->family)
                return x->family < y->family ? -1 : 1;
        if (vrrp_addr_cmp(x->family, &x->addr, &y->addr) != 0)
                return vrrp_addr_cmp(x->family, &x->addr, &y->addr);
        return (int) x->prefixlen - (int) y->prefixlen;
}

/* Appends one element of size bytes to *array (n elements, capacity *cap). */
static void *grow(void **array, size_t *cap, size_t n, size_t size) {
        if (n == *cap) {
                size_t c = *cap ? *cap * 2 : 16;
                void *p = reallocarray(*array, c, size);

                if (!p)
                        return NULL;
                *array = p;
                *cap = c;
        }
        return (uint8_t *) *array + n * size;
}

static int vip_record_skip(const char *name, int error, const char *reason, VipRecordSet *set,
                           size_t *cap_s) {
        VipRecordSkip *skip;

        skip = grow((void **) &set->skipped, cap_s, set->n_skipped, sizeof(VipRecordSkip));
        if (!skip)
                return -ENOMEM;
        *skip = (VipRecordSkip){ .error = error, .reason = reason ?: "unreadable" };
        snprintf(skip->name, sizeof(skip->name), "%s", name);
        set->n_skipped++;
        return 0;
}

static int vip_record_load_one(int dirfd, const char *name, VipRecordSet *set, size_t *cap_r,
                               size_t *cap_s) {
        const char *reason = NULL;
        VipRecord rec, *slot;
        int r;

        r = vip_record_read(dirfd, name, &rec, &reason);
        if (r < 0)
                return vip_record_skip(name, r, reason, set, cap_s);
        slot = grow((void **) &set->records, cap_r, set->n_records, sizeof(VipRecord));
        if (!slot)
                return -ENOMEM;
        *slot = rec;
        set->n_records++;
        return 0;
}

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

int vip_record_load(int dirfd, VipRecordSet *ret) {
        _cleanup_(vip_record_set_done) VipRecordSet set = {};
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t cap_r = 0, cap_s = 0;
        int r;

        assert(ret);
        fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d)
                return -errno;
        (void) TAKE_FD(fd); /* the DIR owns it now */
        for (;;) {
                struct dirent *de;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                return -errno;
                        break;
                }
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                r = vip_record_load_one(dirfd, de->d_name, &set, &cap_r, &cap_s);
                if (r < 0)
                        return r;
        }
        if (set.n_records > 1)
                qsort(set.records, set.n_records, sizeof(VipRecord), vip_record_compare);
        *ret = set;
        set = (VipRecordSet){};
        return 0;
}

void vip_record_set_done(VipRecordSet *set) {
        assert(set);
        free(set->records);
        free(set->skipped);
        *set = (VipRecordSet){};
}
