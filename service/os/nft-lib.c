#include <assert.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "os/nft-lib.h"

/* NFT_LIB_LOAD(&lib, ctx_new) looks up "nft_ctx_new" into lib.ctx_new; false if it is missing. */
#define NFT_LIB_LOAD(lib, field)                                                                            \
        (((lib)->field = (typeof((lib)->field)) dlsym((lib)->handle, "nft_" #field)) != NULL)

static int nft_lib_fail(NftLib *lib, char **reterr_message) {
        const char *err = dlerror();

        if (reterr_message &&
            asprintf(reterr_message, "cannot load libnftables: %s", err ?: NFT_LIB_SONAME " not usable") < 0)
                *reterr_message = NULL;
        nft_lib_close(lib);
        return -ELIBACC;
}

int nft_lib_open(NftLib *ret, char **reterr_message) {
        NftLib lib = {};

        assert(ret);
        lib.handle = dlopen(NFT_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!lib.handle)
                return nft_lib_fail(&lib, reterr_message);
        if (!NFT_LIB_LOAD(&lib, ctx_new) || !NFT_LIB_LOAD(&lib, ctx_free) ||
            !NFT_LIB_LOAD(&lib, ctx_buffer_output) || !NFT_LIB_LOAD(&lib, ctx_buffer_error) ||
            !NFT_LIB_LOAD(&lib, ctx_get_output_buffer) || !NFT_LIB_LOAD(&lib, ctx_get_error_buffer) ||
            !NFT_LIB_LOAD(&lib, run_cmd_from_buffer))
                return nft_lib_fail(&lib, reterr_message);
        *ret = lib;
        return 0;
}

void nft_lib_close(NftLib *lib) {
        assert(lib);
        if (lib->handle)
                (void) dlclose(lib->handle);
        *lib = (NftLib){};
}
