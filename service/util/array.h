#pragma once

#include <stddef.h>

/* Growable arrays: a pointer, a count and a capacity the owner keeps side by side. Growth doubles, so n
 * appends cost O(n) copying in all; keep n_alloc as long as the array, or every append pays a copy. */

/* Makes room for at least need elements of elem_size in *array, whose capacity is *n_alloc elements: nothing
 * when need fits, else the capacity doubles (from 1) until it does. 0, or -ENOMEM (*array left as it was). */
int array_grow(void **array, size_t *n_alloc, size_t need, size_t elem_size);

/* ARRAY_GROW(inst->vips, inst->n_vips_alloc, inst->n_vips + 1) */
#define ARRAY_GROW(array, n_alloc, need) array_grow((void **) &(array), &(n_alloc), (need), sizeof(*(array)))
