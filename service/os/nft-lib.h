#pragma once

#include <nftables/libnftables.h>

/* libnftables, loaded with dlopen() when Accept_Mode first needs it rather than linked: the library and its
 * dependencies (libnftnl, libmnl, libjansson, libgmp, libxtables) cost a daemon without Accept_Mode
 * filtering about 1.3 MiB of RSS for nothing. The header still comes from the build's libnftables, so every
 * pointer below has the type of the function it stands for. */

#define NFT_LIB_SONAME "libnftables.so.1"

typedef struct NftLib {
        void *handle;
        typeof(nft_ctx_new) *ctx_new;
        typeof(nft_ctx_free) *ctx_free;
        typeof(nft_ctx_buffer_output) *ctx_buffer_output;
        typeof(nft_ctx_buffer_error) *ctx_buffer_error;
        typeof(nft_ctx_get_output_buffer) *ctx_get_output_buffer;
        typeof(nft_ctx_get_error_buffer) *ctx_get_error_buffer;
        typeof(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
} NftLib;

/* Loads the library into *ret. Fails with -ELIBACC if it or one of its symbols is missing, and then, if
 * reterr_message is given, says so in words (to free). Non-logging. */
int nft_lib_open(NftLib *ret, char **reterr_message);
/* Unloads it; a zeroed or closed NftLib is fine. */
void nft_lib_close(NftLib *lib);
