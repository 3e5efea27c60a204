#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

int array_grow(void **array, size_t *n_alloc, size_t need, size_t elem_size) {
        size_t n;
        void *p;

        assert(array);
        assert(n_alloc);
        assert(elem_size > 0);

        if (need <= *n_alloc)
                return 0;
        /* From 1, not more: the config model's per-instance arrays (VIPs, peers, tracks) live as long as the
         * daemon, and most hold one or two items (8 ConfVips each cost 1000 instances 620 KiB of RSS). */
        n = *n_alloc < 1 ? 1 : *n_alloc;
        while (n < need) {
                if (n > SIZE_MAX / 2)
                        return -ENOMEM;
                n *= 2;
        }
        if (n > SIZE_MAX / elem_size)
                return -ENOMEM;
        p = realloc(*array, n * elem_size);
        if (!p)
                return -ENOMEM;
        *array = p;
        *n_alloc = n;
        return 0;
}
