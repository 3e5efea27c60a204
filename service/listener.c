#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "listener.h"

int listeners_add(Listeners *l, const ListenerOps *ops, void *userdata) {
        Listener *a;

        assert(l);
        assert(ops);
        a = reallocarray(l->items, l->n + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        l->items = a;
        l->items[l->n++] = (Listener){ .ops = ops, .userdata = userdata };
        return 0;
}

void listeners_remove(Listeners *l, const ListenerOps *ops, void *userdata) {
        assert(l);
        for (size_t k = 0; k < l->n; k++)
                if (l->items[k].ops == ops && l->items[k].userdata == userdata) {
                        for (size_t j = k + 1; j < l->n; j++) /* keep the order: it is the order they hear in */
                                l->items[j - 1] = l->items[j];
                        l->n--;
                        return;
                }
}

void listeners_done(Listeners *l) {
        assert(l);
        free(l->items);
        *l = (Listeners){};
}

bool listeners_busy(const Listeners *l) {
        assert(l);
        for (size_t k = 0; k < l->n; k++)
                if (l->items[k].ops->busy && l->items[k].ops->busy(l->items[k].userdata))
                        return true;
        return false;
}
