#!/usr/bin/env bash
# Compiles src/main/solidity/FabstirContracts.sol with solc-js (npm `solc`, version pinned below) into the ABI and
# bytecode resources the monitor and the tests load: src/main/resources/io/fabstir/chain/contracts/<Name>.abi|.bin.
# Run it after changing a contract and commit its output; ContractArtifactsTest recompiles and compares.
#   chain-monitor/scripts/compile-contracts.sh [OUT_DIR]
# solcjs is looked up as $FABSTIR_SOLCJS, then /var/cache/fabstir/npm/node_modules/.bin/solcjs (where .ci/run
# installs it), then solcjs on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/src/main/resources/io/fabstir/chain/contracts}"
solc_version="0.8.37"
solcjs="${FABSTIR_SOLCJS:-}"
if [ -z "$solcjs" ]; then
  if [ -x /var/cache/fabstir/npm/node_modules/.bin/solcjs ]; then solcjs=/var/cache/fabstir/npm/node_modules/.bin/solcjs
  elif command -v solcjs >/dev/null 2>&1; then solcjs="$(command -v solcjs)"
  else
    echo "solcjs not found: npm install --prefix /var/cache/fabstir/npm solc@$solc_version (or set FABSTIR_SOLCJS)" >&2
    exit 2
  fi
fi
got="$("$solcjs" --version)"
case "$got" in
  "$solc_version"+*) ;;
  *) echo "solcjs is $got, the contracts are built with $solc_version" >&2; exit 2 ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Relative source path: the path is part of the metadata hash at the end of the bytecode.
(cd "$here/src/main/solidity" && "$solcjs" --optimize --optimize-runs 200 --bin --abi -o "$tmp" FabstirContracts.sol)
mkdir -p "$out"
for c in NodeRegistry JobMarketplace PaymentEscrow Governance; do
  cp "$tmp/FabstirContracts_sol_$c.abi" "$out/$c.abi"
  cp "$tmp/FabstirContracts_sol_$c.bin" "$out/$c.bin"
done
echo "compiled with solc $got into $out"
