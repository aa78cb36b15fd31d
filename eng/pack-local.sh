#!/usr/bin/env bash
# Packs what a plugin author needs into a local NuGet feed: the contract (Atomiton.Storage.Abstractions),
# the conformance kit (Atomiton.Storage.Testing) and the `dotnet new atomiton-storage-provider` template.
#
#   eng/pack-local.sh [feed-folder]        (default: artifacts/local-feed in this clone)
#
# Every pack gets a version of its own (2.0.0-local.<UTC time>.<process>.<random>), so a package the NuGet
# cache holds from an earlier pack is never used in place of this one. The template is stamped with that
# version and the feed's full path: a project generated from it references these packages and carries a
# nuget.config that points at this feed. Needs only the .NET SDK; builds in a temporary folder, so the
# clone's bin/ and obj/ are untouched. Prints the version last.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="${1:-$root/artifacts/local-feed}"
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
version="2.0.0-local.$(date -u +%Y%m%d%H%M%S).$$.$RANDOM"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

# One template package in the feed, so `dotnet new install <feed>/Atomiton.Storage.Templates.*.nupkg` names one
# file. Older contract and kit packages stay: projects generated from an earlier pack still restore.
rm -f "$feed"/Atomiton.Storage.Templates.*.nupkg

for project in core/Atomiton.Storage.Abstractions core/Atomiton.Storage.Testing plugin-template; do
    echo "Packing $project $version"
    dotnet pack "$root/$project" --configuration Release --output "$feed" --nologo \
        "-p:Version=$version" "-p:AtomitonTemplateFeed=$feed" \
        -p:UseArtifactsOutput=true "-p:ArtifactsPath=$build" >"$build/pack.log" 2>&1 \
        || { cat "$build/pack.log"; echo "error: dotnet pack $project failed (output above)." >&2; exit 1; }
done

echo "$version" >"$feed/version.txt"
echo "Packed Atomiton.Storage.Abstractions, Atomiton.Storage.Testing and Atomiton.Storage.Templates $version into $feed"
echo "Next: dotnet new install $feed/Atomiton.Storage.Templates.$version.nupkg"
