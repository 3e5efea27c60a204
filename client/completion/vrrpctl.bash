# bash completion for vrrpctl                                    -*- shell-script -*-
# Commands, options, and instance names read from the running daemon with `vrrpctl list --no-legend` (of
# the daemon --bus-name names, if given); --bus-name completes the org.vrrpd.Vrrp1 names owned on the bus.

__vrrpctl_instances() {
        vrrpctl ${bus_name:+--bus-name="$bus_name"} list --no-legend 2>/dev/null |
                while read -r name _; do printf '%s\n' "$name"; done
}

__vrrpctl_bus_names() {
        busctl --system list --acquired --no-legend 2>/dev/null |
                while read -r name _; do [[ $name == org.vrrpd.Vrrp1* ]] && printf '%s\n' "$name"; done
}

_vrrpctl() {
        local cur=${COMP_WORDS[COMP_CWORD]}
        local commands='list status set-priority reset-priority maintenance demote demotions garp reload monitor
                        is-master metrics'
        local options='--json= --json=short --json=pretty --no-legend --all --no-pager --quiet --notify --bus-name=
                       --persistent --instance= --sync-group= --clear --version --help'
        local i verb='' nargs=0 bus_name=''

        # "--bus-name NAME", or "--bus-name=NAME", which readline splits at '=' into three words
        if [[ ${COMP_WORDS[COMP_CWORD - 1]} == --bus-name ||
              (${COMP_WORDS[COMP_CWORD - 1]} == = && ${COMP_WORDS[COMP_CWORD - 2]} == --bus-name) ]]; then
                COMPREPLY=($(compgen -W "$(__vrrpctl_bus_names)" -- "$cur"))
                return
        fi
        # demote's "--instance NAME" (or "--instance=NAME"); sync group names have no listing to read
        if [[ ${COMP_WORDS[COMP_CWORD - 1]} == --instance ||
              (${COMP_WORDS[COMP_CWORD - 1]} == = && ${COMP_WORDS[COMP_CWORD - 2]} == --instance) ]]; then
                COMPREPLY=($(compgen -W "$(__vrrpctl_instances)" -- "$cur"))
                return
        fi
        for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
                --bus-name)
                        i=$((i + 1))
                        [[ ${COMP_WORDS[i]} == = ]] && i=$((i + 1))
                        bus_name=${COMP_WORDS[i]}
                        ;;
                --instance | --sync-group) # their value is no argument of the verb
                        i=$((i + 1))
                        [[ ${COMP_WORDS[i]} == = ]] && i=$((i + 1))
                        ;;
                -*) ;;
                *)
                        if [ -z "$verb" ]; then verb=${COMP_WORDS[i]}; else nargs=$((nargs + 1)); fi
                        ;;
                esac
        done

        if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$options" -- "$cur"))
                [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace
                return
        fi
        case $verb in
        '')
                COMPREPLY=($(compgen -W "$commands" -- "$cur"))
                ;;
        status)
                COMPREPLY=($(compgen -W "$(__vrrpctl_instances)" -- "$cur"))
                ;;
        set-priority | reset-priority | garp | is-master)
                [ "$nargs" -eq 0 ] && COMPREPLY=($(compgen -W "$(__vrrpctl_instances)" -- "$cur"))
                ;;
        maintenance)
                if [ "$nargs" -eq 0 ]; then
                        COMPREPLY=($(compgen -W "$(__vrrpctl_instances)" -- "$cur"))
                elif [ "$nargs" -eq 1 ]; then
                        COMPREPLY=($(compgen -W 'on off' -- "$cur"))
                fi
                ;;
        demote)
                [ "$nargs" -eq 1 ] && COMPREPLY=($(compgen -W '--clear' -- "$cur"))
                ;;
        esac
}

complete -F _vrrpctl vrrpctl
