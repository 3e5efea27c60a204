#include <gio/gio.h>
#include <stdlib.h>

/* A stub until the bus lands (issue 5): it knows its version and says so for everything else. */
int main(int argc, char *argv[]) {
        gboolean version = FALSE;
        const GOptionEntry entries[] = {
                { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the version", NULL },
                {},
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("[COMMAND]");
        g_autoptr(GError) error = NULL;

        g_option_context_add_main_entries(ctx, entries, NULL);
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return 2;
        }
        if (version) {
                g_print("vrrpctl %s\n", VRRPD_VERSION);
                return EXIT_SUCCESS;
        }
        g_printerr("vrrpctl: no commands yet\n");
        return 2;
}
