#!/usr/bin/env bash
# Generates two C# clients from the committed document openapi/report-service.v1.json into Generated/
# (git-ignored: regenerated on every run) with the .NET tools pinned in .config/dotnet-tools.json, and builds
# them with the smokes that use them (nullable reference types on, warnings as errors):
#   NSwag 14.8 (Newtonsoft.Json, nullable reference types)   -> NSwagSmoke.cs
#     (not System.Text.Json: NSwag marks enum values with [EnumMember], which System.Text.Json ignores, so its
#     client would send "Township" for "township")
#   Kiota 1.38                                                -> KiotaSmoke.cs
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/../.." && pwd -P)
cd "$root"

document=openapi/report-service.v1.json
dotnet tool restore >/dev/null
rm -rf "$here/Generated"
dotnet nswag openapi2csclient /input:"$document" /output:"$here/Generated/NSwag/ReportServiceClient.cs" \
  /namespace:ReportService.ClientSmoke.NSwag /classname:ReportServiceClient \
  /GenerateNullableReferenceTypes:true /GenerateOptionalPropertiesAsNullable:true /UseBaseUrl:false \
  /GenerateClientInterfaces:false >/dev/null
# Kiota's telemetry is turned off; its look for a newer release of itself fails offline and is not shown
# (--log-level Error).
KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_TUTORIAL_ENABLED=false dotnet kiota generate --language CSharp \
  --openapi "$document" --output "$here/Generated/Kiota" --namespace-name ReportService.ClientSmoke.Kiota \
  --class-name ReportServiceKiotaClient --exclude-backward-compatible --clean-output --log-level Error >/dev/null
dotnet build "$here/ReportService.ClientSmoke.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
