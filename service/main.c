#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

/* The daemon arrives with issue 4; for now vrrpd knows its version. */
int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "version", no_argument, NULL, 'V' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "Vh", options, NULL)) >= 0)
                switch (c) {
                case 'V':
                        printf("vrrpd %s\n", VRRPD_VERSION);
                        return EXIT_SUCCESS;
                case 'h':
                        printf("vrrpd [--version]\n");
                        return EXIT_SUCCESS;
                default:
                        return 2;
                }
        fprintf(stderr, "vrrpd: the daemon is not built yet (issue 4)\n");
        return EXIT_FAILURE;
}
