#pragma once

/* Notices when another program (`nft flush ruleset`, a firewall reload) deletes Accept_Mode's table: a
 * NETLINK_NETFILTER socket in the NFNLGRP_NFTABLES group, which hears every nftables change of the network
 * namespace. Non-logging. */

/* A non-blocking socket to poll for input; -errno if it cannot be made. */
int nft_watch_open(int *ret_fd);

/* Drains the socket: 1 if a table named NFT_ACCEPT_TABLE of the inet family was deleted (or messages were
 * lost, so it may have been), 0 if not, -errno if reading failed. */
int nft_watch_read(int fd);
