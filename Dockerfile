# syntax=docker/dockerfile:1
# ReportService API image: docker build -t report-service .
# Runs as the aspnet image's non-root `app` user (uid 1654) and needs no writable path but /tmp, so it runs
# with a read-only root filesystem. `--migrate` as the argument applies the migrations and exits (Helm's Job).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore layer: changes only when the build settings or a project file change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ReportService.Statutory/ReportService.Statutory.csproj src/ReportService.Statutory/
COPY src/ReportService.Api/ReportService.Api.csproj src/ReportService.Api/
RUN dotnet restore src/ReportService.Api

COPY src/ src/
RUN dotnet publish src/ReportService.Api -c Release -o /app -p:UseAppHost=false --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080
COPY --from=build --chown=root:root /app ./
# Owned by root, run as `app`: the application cannot modify its own files.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "ReportService.Api.dll"]
