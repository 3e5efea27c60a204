#pragma once

typedef struct Bus Bus;
typedef struct BusShown BusShown;

/* What every instance and sync group shows in its change-emitting properties, taken when a reload begins;
 * after it, one PropertiesChanged per object that the reload kept, naming only what it shows otherwise now.
 * Objects go by name: it is their object path, so an object renamed by the reload is not the same object.
 * bus_shown_new() returns NULL when it cannot read them (logged): the reload's changes to kept objects are
 * then not announced. */
BusShown *bus_shown_new(Bus *b);
BusShown *bus_shown_free(BusShown *s);
void bus_shown_emit_changes(Bus *b, const BusShown *s);
