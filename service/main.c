#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../dbus/org.vrrpd.Vrrp1.h"
#include "conf/conf-print.h"
#include "conf/conf-util.h"
#include "conf/conf.h"
#include "daemon.h"
#include "os/netns.h"
#include "script/script-check.h"
#include "util/cleanup.h"
#include "util/log.h"

#define CONFIG_FILE "/etc/vrrpd/vrrpd.conf"
#define CONFIG_FILE_KEEPALIVED "/etc/keepalived/keepalived.conf"

static const char *arg_config_file = NULL;
static const char *arg_config_id = NULL;
static const char *arg_namespace = NULL;
static const char *arg_bus_name = NULL;
static bool arg_check = false;
static bool arg_print = false;
static bool arg_json = false;
static bool arg_log_console = false;
static bool arg_log_detail = false;

static void help(void) {
        printf("vrrpd [OPTIONS...]\n\n"
               "VRRP daemon reading the VRRP part of keepalived.conf.\n\n"
               "  -h --help               Show this help\n"
               "  -V --version            Show the version\n"
               "  -f --use-file=FILE      Configuration file (default " CONFIG_FILE ",\n"
               "                          else " CONFIG_FILE_KEEPALIVED ")\n"
               "  -t --check-config       Check the configuration and exit\n"
               "     --print-config       Print the normalised configuration and exit (needs --json)\n"
               "     --json               Print JSON\n"
               "  -i --config-id=ID       Match '@ID' lines against ID (default: the short host name)\n"
               "  -s --namespace=NAME     Run in network namespace NAME (overrides net_namespace)\n"
               "     --bus-name=NAME      Own NAME on the system bus (overrides dbus_service_name)\n"
               "  -l --log-console        Log to standard error instead of the journal\n"
               "  -D --log-detail         Log in detail (debug level)\n");
}

/* What the options say together, and the values they carry: usage errors before anything is read. */
static int check_args(int argc, char *argv[]) {
        if (optind < argc) {
                fprintf(stderr, "vrrpd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        if (arg_print && !arg_json) {
                fprintf(stderr, "vrrpd: --print-config needs --json\n");
                return -EINVAL;
        }
        if (arg_namespace && !conf_util_file_name_valid(arg_namespace)) {
                fprintf(stderr, "vrrpd: invalid --namespace '%s'; expected a name under " NETNS_RUN_DIR "\n",
                        arg_namespace);
                return -EINVAL;
        }
        if (arg_bus_name && !conf_util_bus_name_valid(arg_bus_name)) {
                fprintf(stderr, "vrrpd: invalid --bus-name '%s'; expected a D-Bus name such as "
                        VRRPD_BUS_NAME ".blue\n", arg_bus_name);
                return -EINVAL;
        }
        return 1;
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_PRINT = 0x100, ARG_JSON, ARG_BUS_NAME };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { "use-file", required_argument, NULL, 'f' },
                { "check-config", no_argument, NULL, 't' },
                { "config-id", required_argument, NULL, 'i' },
                { "namespace", required_argument, NULL, 's' },
                { "bus-name", required_argument, NULL, ARG_BUS_NAME },
                { "print-config", no_argument, NULL, ARG_PRINT },
                { "json", no_argument, NULL, ARG_JSON },
                { "log-console", no_argument, NULL, 'l' },
                { "log-detail", no_argument, NULL, 'D' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "hVf:ti:s:lD", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("vrrpd %s\n", VRRPD_VERSION);
                        return 0;
                case 'f':
                        arg_config_file = optarg;
                        break;
                case 't':
                        arg_check = true;
                        break;
                case 'i':
                        arg_config_id = optarg;
                        break;
                case 's':
                        arg_namespace = optarg;
                        break;
                case ARG_BUS_NAME:
                        arg_bus_name = optarg;
                        break;
                case ARG_PRINT:
                        arg_print = true;
                        break;
                case 'l':
                        arg_log_console = true;
                        break;
                case 'D':
                        arg_log_detail = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                default:
                        return -EINVAL;
                }
        return check_args(argc, argv);
}

/* -f, else vrrpd's own file, else keepalived's, so that swapping the binary is enough to migrate */
static const char *config_file(void) {
        if (arg_config_file)
                return arg_config_file;
        return access(CONFIG_FILE, F_OK) >= 0 ? CONFIG_FILE : CONFIG_FILE_KEEPALIVED;
}

/* A missing interface is only a warning: it may appear later (hotplug, a VLAN created after boot). */
static size_t check_interfaces(const Config *c) {
        size_t n = 0;

        for (size_t k = 0; k < c->n_instances; k++) {
                const ConfInstance *i = &c->instances[k];

                if (!i->interface || if_nametoindex(i->interface) > 0)
                        continue; /* none: a unicast instance on every interface */
                fprintf(stderr, "%s:%u:%u: warning: interface '%s' of '%s' does not exist (yet)\n",
                        i->interface_loc.file, i->interface_loc.line, i->interface_loc.column, i->interface, i->name);
                n++;
        }
        return n;
}

static void print_warning(const ConfLoc *loc, const char *path, const char *message) {
        if (loc->file)
                fprintf(stderr, "%s:%u:%u: warning: %s\n", loc->file, loc->line, loc->column, message);
        else
                fprintf(stderr, "%s: warning: %s\n", path, message);
}

/* The daemon would enter net_namespace first: look for the interfaces there. A namespace that is missing, or
 * that -t may not enter (no CAP_SYS_ADMIN), is a warning; the interfaces are then not checked. */
static size_t check_namespace(const Config *c, const char *path, bool *ret_entered) {
        const char *name = c->global.net_namespace;
        _cleanup_free_ char *msg = NULL;
        int r;

        *ret_entered = true;
        if (!name)
                return 0;
        r = netns_enter(name);
        if (r >= 0)
                return 0;
        *ret_entered = false;
        if (r == -ENOENT)
                r = asprintf(&msg, "network namespace '%s' does not exist (yet): no " NETNS_RUN_DIR "/%s; "
                             "interfaces not checked", name, name);
        else
                r = asprintf(&msg, "cannot enter network namespace '%s' to check its interfaces: %s", name,
                             strerror(-r));
        print_warning(&c->global.net_namespace_loc, path, r >= 0 ? msg : name);
        return 1;
}

/* The shipped bus policy (dbus/org.vrrpd.Vrrp1.conf) lets root own org.vrrpd.Vrrp1 and the names below. */
static size_t check_bus_name(const Config *c, const char *path) {
        const char *name = c->global.dbus_service_name;
        const size_t n = strlen(VRRPD_BUS_NAME);

        if (!name || (strncmp(name, VRRPD_BUS_NAME, n) == 0 && (name[n] == '\0' || name[n] == '.')))
                return 0;
        print_warning(&c->global.dbus_service_name_loc, path,
                      "the shipped bus policy lets vrrpd own only " VRRPD_BUS_NAME " and the names under "
                      "it (" VRRPD_BUS_NAME ".NAME); this dbus_service_name needs a bus policy of its own");
        return 1;
}

static void report_script(const char *what, const char *problem, const ConfLoc *loc, void *userdata) {
        _cleanup_free_ char *msg = NULL;
        static const ConfLoc nowhere = {};

        if (asprintf(&msg, "%s %s: vrrpd starts with it disabled, VRRP runs without it", what, problem) < 0)
                return;
        print_warning(loc ?: &nowhere, userdata, msg);
}

/* What a start disables (a missing or refused script) -t reports, so that both see the same config. */
static size_t check_scripts(const Config *c, const char *path) {
        return script_check_config(c, false, report_script, (void *) path);
}

static void print_summary(const Config *c, const char *path, size_t n_warnings) {
        for (size_t k = 0; k < c->n_instances; k++) {
                const ConfInstance *i = &c->instances[k];
                printf("%s: %s %s vrid %d, VRRPv%d, priority %d, %s, %zu address%s%s%s\n", i->name, i->interface ?: "(any interface)",
                       i->family == AF_INET6 ? "IPv6" : "IPv4", i->vrid, i->version, i->priority,
                       i->state == CONF_STATE_MASTER ? "MASTER" : "BACKUP", i->n_vips, i->n_vips == 1 ? "" : "es",
                       i->sync_group ? ", sync group " : "", i->sync_group ?: "");
        }
        printf("%s: configuration OK: %zu instance%s, %zu script%s, %zu sync group%s, %zu warning%s\n", path,
               c->n_instances, c->n_instances == 1 ? "" : "s", c->n_scripts, c->n_scripts == 1 ? "" : "s",
               c->n_sync_groups, c->n_sync_groups == 1 ? "" : "s", n_warnings, n_warnings == 1 ? "" : "s");
}

static char arg_host[HOST_NAME_MAX + 1];
static char arg_short_host[HOST_NAME_MAX + 1];

/* @ID lines match --config-id, else the short host name; router_id defaults to the node name. */
static ConfLoadOptions load_options(void) {
        struct utsname u;

        if (arg_host[0] == '\0' && uname(&u) >= 0)
                snprintf(arg_host, sizeof(arg_host), "%s", u.nodename);
        snprintf(arg_short_host, sizeof(arg_short_host), "%s", arg_host);
        arg_short_host[strcspn(arg_short_host, ".")] = '\0';
        return (ConfLoadOptions){ .config_id = arg_config_id ?: arg_short_host, .hostname = arg_host,
                                  .net_namespace = arg_namespace, .bus_name = arg_bus_name };
}

static int load(const char *path, Config **ret, ConfDiags *d) {
        ConfLoadOptions o = load_options();
        int r;

        r = conf_load_file(path, &o, ret, d);
        conf_diag_print_all(d, stderr);
        return r;
}

static int run_check(const char *path) {
        _cleanup_(conf_freep) Config *c = NULL;
        ConfDiags d = {};
        size_t n_warnings;
        bool entered;
        int r;

        r = load(path, &c, &d);
        n_warnings = d.n_warnings;
        if (r < 0) {
                fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", path, d.n_errors, d.n_errors == 1 ? "" : "s",
                        d.n_warnings, d.n_warnings == 1 ? "" : "s");
                conf_diag_done(&d);
                return EXIT_FAILURE;
        }
        conf_diag_done(&d);
        n_warnings += check_bus_name(c, path) + check_scripts(c, path) + check_namespace(c, path, &entered);
        if (entered)
                n_warnings += check_interfaces(c);
        print_summary(c, path, n_warnings);
        return EXIT_SUCCESS;
}

static int run_print(const char *path) {
        _cleanup_(conf_freep) Config *c = NULL;
        ConfDiags d = {};
        int r;

        r = load(path, &c, &d);
        conf_diag_done(&d);
        if (r < 0)
                return EXIT_FAILURE;
        conf_print_json(c, stdout);
        return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The daemon: the config must load without errors (warnings are logged), then the loop runs until SIGTERM. */
static int run_daemon(const char *path) {
        Config *c = NULL;
        ConfDiags d = {};
        int r;

        log_setup(arg_log_console ? LOG_TARGET_CONSOLE : LOG_TARGET_JOURNAL, arg_log_detail ? LOG_DEBUG : LOG_INFO);
        r = load(path, &c, &d);
        conf_diag_done(&d);
        if (r < 0) {
                log_error_errno(r, "%s: the configuration has errors, not starting", path);
                return EXIT_FAILURE;
        }
        log_info("vrrpd %s starting with %s", VRRPD_VERSION, path);
        ConfLoadOptions o = load_options();
        return daemon_run(c, path, &o);
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : EXIT_SUCCESS;
        if (arg_check)
                return run_check(config_file());
        if (arg_print)
                return run_print(config_file());

        return run_daemon(config_file());
}
