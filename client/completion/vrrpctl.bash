# bash completion for vrrpctl                                    -*- shell-script -*-
# Commands, options, and instance names read from the running daemon with `vrrpctl list --no-legend`.

__vrrpctl_instances() {
        vrrpctl list --no-legend 2>/dev/null | while read -r name _; do printf '%s\n' "$name"; done
}

_vrrpctl() {
        local cur=${COMP_WORDS[COMP_CWORD]}
        local commands='list status set-priority reset-priority maintenance garp reload monitor is-master metrics'
        local options='--json= --json=short --json=pretty --no-legend --no-pager --quiet --notify --version --help'
        local i verb='' nargs=0

        for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
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
        esac
}

complete -F _vrrpctl vrrpctl
