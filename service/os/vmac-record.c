#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/runtime-file.h"
#include "os/vmac-record.h"
#include "util/array.h"
#include "util/cleanup.h"

#define VMAC_RECORD_TEXT_MAX 256

int vmac_record_open_dir(const char *runtime_dir, int *ret_dirfd) {
        return runtime_dir_open(runtime_dir, "vmacs", ret_dirfd);
}

int vmac_record_parent_add(int dirfd, const VmacRecordParent *p) {
        char name[32], text[VMAC_RECORD_TEXT_MAX];
        int len;

        assert(p);

        snprintf(name, sizeof(name), "parent-%d", p->ifindex);
        len = snprintf(text, sizeof(text), "ifname=%s\narp_ignore=%u\narp_filter=%u\narp_announce=%u\n",
                       p->ifname, p->saved[0], p->saved[1], p->saved[2]);
        return runtime_file_write(dirfd, name, text, (size_t) len);
}

int vmac_record_parent_remove(int dirfd, int ifindex) {
        char name[32];

        snprintf(name, sizeof(name), "parent-%d", ifindex);
        return runtime_file_discard(dirfd, name);
}

int vmac_record_link_add(int dirfd, const VmacRecordLink *l) {
        char name[32], text[VMAC_RECORD_TEXT_MAX];
        int len;

        assert(l);

        snprintf(name, sizeof(name), "link-%s", l->name);
        len = snprintf(text, sizeof(text), "ifindex=%d\n", l->ifindex);
        return runtime_file_write(dirfd, name, text, (size_t) len);
}

int vmac_record_link_remove(int dirfd, const char *name) {
        char file[32];

        assert(name);

        snprintf(file, sizeof(file), "link-%s", name);
        return runtime_file_discard(dirfd, file);
}

static int vmac_record_read(int dirfd, const char *name, char *text, size_t size) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, text, size - 1);
        if (n < 0)
                return -errno;
        text[n] = '\0';
        return 0;
}

/* One file into set: true if it was a record. */
static bool vmac_record_parse(VmacRecordSet *set, const char *name, const char *text) {
        VmacRecordParent p = {};
        VmacRecordLink l = {};
        int end = 0;

        if (sscanf(name, "parent-%d%n", &p.ifindex, &end) == 1 && name[end] == '\0' &&
            sscanf(text, "ifname=%15s arp_ignore=%u arp_filter=%u arp_announce=%u", p.ifname, &p.saved[0],
                   &p.saved[1], &p.saved[2]) == 4) {
                if (ARRAY_GROW(set->parents, set->n_parents_alloc, set->n_parents + 1) < 0)
                        return false;
                set->parents[set->n_parents++] = p;
                return true;
        }
        if (strncmp(name, "link-", 5) == 0 && strlen(name + 5) < IFNAMSIZ &&
            sscanf(text, "ifindex=%d", &l.ifindex) == 1) {
                snprintf(l.name, sizeof(l.name), "%s", name + 5);
                if (ARRAY_GROW(set->links, set->n_links_alloc, set->n_links + 1) < 0)
                        return false;
                set->links[set->n_links++] = l;
                return true;
        }
        return false;
}

int vmac_record_load(int dirfd, VmacRecordSet *ret) {
        _cleanup_close_ int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        DIR *d;

        assert(ret);

        *ret = (VmacRecordSet){};
        if (fd < 0)
                return -errno;
        d = fdopendir(TAKE_FD(fd));
        if (!d)
                return -errno;
        rewinddir(d);
        for (struct dirent *de; (de = readdir(d));) {
                char text[VMAC_RECORD_TEXT_MAX];

                if (de->d_name[0] == '.' && strncmp(de->d_name, RUNTIME_FILE_TMP_PREFIX,
                                                    strlen(RUNTIME_FILE_TMP_PREFIX)) != 0)
                        continue; /* . and .. */
                if (vmac_record_read(dirfd, de->d_name, text, sizeof(text)) < 0 ||
                    !vmac_record_parse(ret, de->d_name, text)) {
                        ret->n_skipped++;
                        (void) runtime_file_discard(dirfd, de->d_name);
                }
        }
        closedir(d);
        return 0;
}

void vmac_record_set_done(VmacRecordSet *set) {
        assert(set);

        free(set->parents);
        free(set->links);
        *set = (VmacRecordSet){};
}
