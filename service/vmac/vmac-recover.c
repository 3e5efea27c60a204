#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "manager.h"
#include "os/nl-link.h"
#include "os/vmac-record.h"
#include "util/log.h"
#include "util/strv.h"
#include "vmac/vmac.h"

/* After a crash (vmac.h): the parents' ARP settings a dead run changed go back at startup, and its macvlans
 * that the new configuration does not take over are deleted once the running set is built. */

/* A parent as recorded: by its index if it still has the recorded name, else by that name. */
static int vmac_recover_parent(Manager *m, const VmacRecordParent *p) {
        NlInetConf confs[VMAC_RECORD_SETTINGS];
        char name[IFNAMSIZ];
        int ifindex = p->ifindex, r;

        if (!if_indextoname((unsigned) ifindex, name) || strcmp(name, p->ifname) != 0)
                ifindex = (int) if_nametoindex(p->ifname);
        if (ifindex <= 0)
                return 0; /* gone: its settings went with it */
        for (size_t k = 0; k < VMAC_RECORD_SETTINGS; k++)
                confs[k] = (NlInetConf){ vmac_parent_confs[k], p->saved[k] };
        r = nl_inet_conf_set(m->nl, ifindex, confs, VMAC_RECORD_SETTINGS);
        if (r < 0)
                return log_warning_errno(r, "%s: restoring the ARP settings an earlier run changed: %m", p->ifname);
        log_notice("%s: ARP settings an earlier run changed for use_vmac are restored", p->ifname);
        return 0;
}

void vmac_recover(Manager *m) {
        VmacRecordSet set = {};
        int r;

        assert(m);

        if (m->vmacs.dirfd < 0)
                return;
        r = vmac_record_load(m->vmacs.dirfd, &set);
        if (r < 0)
                return (void) log_warning_errno(r, "failed to read the macvlan records, ignoring: %m");
        if (set.n_skipped > 0)
                log_warning("discarded %zu file(s) under the runtime directory that were no macvlan records",
                            set.n_skipped);
        for (size_t k = 0; k < set.n_parents; k++)
                if (vmac_recover_parent(m, &set.parents[k]) >= 0)
                        (void) vmac_record_parent_remove(m->vmacs.dirfd, set.parents[k].ifindex);
        for (size_t k = 0, n = 0; k < set.n_links; k++)
                if (strv_push(&m->vmacs.leftovers, &n, set.links[k].name) < 0)
                        log_oom();
        vmac_record_set_done(&set);
}

void vmac_recover_done(Manager *m) {
        assert(m);

        for (char **name = m->vmacs.leftovers; name && *name; name++) {
                NlLinkInfo info;

                if (vmac_link_find(&m->vmacs, *name))
                        continue; /* taken over: an instance holds it again */
                if (nl_link_get(m->nl, *name, &info) >= 0 && (info.macvlan || info.ipvlan)) {
                        int r = nl_link_delete(m->nl, info.ifindex);

                        if (r < 0) {
                                log_warning_errno(r, "%s: deleting a macvlan an earlier run left: %m", *name);
                                continue;
                        }
                        log_notice("%s: deleted a macvlan an earlier run left and this configuration drops", *name);
                }
                (void) vmac_record_link_remove(m->vmacs.dirfd, *name);
        }
        m->vmacs.leftovers = strv_free(m->vmacs.leftovers);
}
