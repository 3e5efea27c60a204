/* placeholder: written by the vrrp-packet work */
