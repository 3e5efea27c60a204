/* placeholder: written by the vrrp-sync work */
