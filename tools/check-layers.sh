#!/usr/bin/env bash
# Checks the layering of engine/ and ui/. Engine: each folder of engine/ may include only the folders listed for it below (its own
# always). A lower layer that includes a higher one (memory including world, say) fails with the file and the line.
# Run by CTest as engine_layers; docs/architecture.md draws the same picture.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
declare -A allowed=(
  [core]=""
  [render]=""
  [gpu]="core"
  [camera]="core"
  [media]="core render"
  [metrics]="core render"
  [memory]="core render camera"
  [agentmem]="core"
  [nn]="core gpu"
  [modules]="core render camera gpu memory"
  [world]="core render camera gpu memory modules media metrics edit"
  [edit]="core render camera gpu memory modules media metrics"
  [session]="core render camera gpu memory modules media metrics world"
)
status=0
for layer in "${!allowed[@]}"; do
  for dir in "$root/engine/src/$layer" "$root/engine/include/mnemo/$layer"; do
    [ -d "$dir" ] || continue
    while IFS= read -r hit; do
      used="$(sed -E 's#.*"mnemo/([a-z]+)/.*#\1#' <<<"$hit")"
      [ "$used" = "$layer" ] && continue
      if [[ " ${allowed[$layer]} " != *" $used "* ]]; then
        echo "layering: engine/$layer may not include mnemo/$used: ${hit#"$root/"}" >&2
        status=1
      fi
    done < <(grep -rnE '#include "mnemo/[a-z]+/' "$dir" || true)
  done
done
# Every folder must have a rule, so a new one is placed in the picture on purpose.
for dir in "$root"/engine/src/*/ "$root"/engine/include/mnemo/*/; do
  name="$(basename "$dir")"
  if [ -z "${allowed[$name]+set}" ]; then
    echo "layering: engine folder '$name' has no rule in tools/check-layers.sh" >&2
    status=1
  fi
done
# ui/: the workspaces share only ui/common, which knows none of them; ui/shell alone sees every workspace.
declare -A uiForbidden=([world]="inspect edit shell" [inspect]="world edit shell" [edit]="world inspect shell"
                        [common]="world inspect edit shell")
for folder in "${!uiForbidden[@]}"; do
  [ -d "$root/ui/$folder" ] || continue
  for other in ${uiForbidden[$folder]}; do
    while IFS= read -r hit; do
      echo "layering: ui/$folder may not include ui/$other: ${hit#"$root/"}" >&2
      status=1
    done < <(grep -rnE "#include \"$other/" "$root/ui/$folder" || true)
  done
done
for dir in "$root"/ui/*/; do
  case "$(basename "$dir")" in shell|world|inspect|edit|common) ;; *)
    echo "layering: ui/ holds shell, world, edit, inspect and common only, not '$(basename "$dir")'" >&2
    status=1 ;;
  esac
done
[ $status -eq 0 ] && echo "layers: ok (engine: ${#allowed[@]} layers; ui: workspaces apart)"
exit $status
