/* placeholder: written by the vrrp-check work */
