/* placeholder: written by the vrrp-fsm work */
