/* placeholder until the parser lands (issue 3) */
int conf_stub(void);
int conf_stub(void) {
        return 0;
}
