#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* placeholder: replaced by the decoder target */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        return 0;
}
