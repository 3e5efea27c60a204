#pragma once

/* An instance's signed adverts (auth_hmac, core/vrrp-hmac.h): its copy of the keys, the policy, the sequence it
 * sends, and the replay marks of the senders it heard (one per unicast peer, or the core's multicast slots).
 * The core decides; this reads the wall clock and computes the MAC (os/hmac.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vrrp-hmac.h"
#include "core/vrrp-packet.h"

typedef struct ConfInstance ConfInstance;
typedef struct Instance Instance;
typedef struct InstanceHmac InstanceHmac;

/* NULL in *ret when c has no auth_hmac. The keys are copied (and wiped when freed). */
int instance_hmac_new(const ConfInstance *c, InstanceHmac **ret);
InstanceHmac *instance_hmac_free(InstanceHmac *h);
/* A reload that keeps the instance: next goes on from where h was (the sequence, the replay marks), so
 * that nothing sent or accepted before can be sent or accepted again. */
void instance_hmac_carry(InstanceHmac *next, const InstanceHmac *h);

/* How many bytes of trailer its adverts carry: 0 without auth_hmac or in receive-only mode. */
size_t instance_hmac_trailer_len(const InstanceHmac *h);

/* Writes the trailer after the message msg[0..len): a new sequence from the wall clock (µs since the epoch),
the MAC under the active key. */
int instance_hmac_sign(InstanceHmac *h, int family, const VrrpAddr *src, uint8_t *msg, size_t len, usec_t realtime);

/* The advert payload[0..len) from src: the length of its VRRP message in *ret_msg_len (without the trailer),
 * 0 when it may go on to the receive checks, or -EBADMSG with *ret_drop set. peer: the index of src among the
 * unicast peers, or -1 for a multicast advert (a unicast one from no peer is dropped before). */
int instance_hmac_verify(InstanceHmac *h, int family, const VrrpAddr *src, int peer, const uint8_t *payload,
                         size_t len, usec_t realtime, size_t *ret_msg_len, VrrpDrop *ret_drop);

/* i's adverts in i->tx, one per destination, signed for their next send (see instance.c). 0 without a trailer
 * to write. */
int instance_hmac_sign_adverts(Instance *i);

/* CLOCK_REALTIME in µs, for the two above. */
usec_t instance_hmac_realtime(void);
