using ReportService.Api.Features.Regions;

namespace ReportService.Api.Persistence;

/// <summary>
/// <c>dotnet ReportService.Api.dll --migrate</c>: applies the migrations and seeds the regions, exactly as
/// start-up does (<see cref="DatabaseMigrator.MigrateAndSeedAsync"/>), then exits without serving HTTP: 0 when
/// the schema is up to date, 1 on any failure. The Helm pre-install/pre-upgrade Job runs it once per release
/// while the service's pods run with <c>Database:MigrateOnStartup=false</c> and wait for the schema. One
/// attempt only: retries are the Job's (<c>backoffLimit</c>).
/// </summary>
internal static partial class MigrateCommand
{
    public const string Argument = "--migrate";

    /// <summary>Runs the migration with the built (never started) app's services, then disposes the app.</summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        await using (app)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand).FullName!);
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                await DatabaseMigrator.MigrateAndSeedAsync(
                    scope.ServiceProvider.GetRequiredService<ReportsDbContext>(),
                    scope.ServiceProvider.GetRequiredService<RegionDirectory>(),
                    CancellationToken.None);
                LogMigrated(logger);
                return 0;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                return 1;
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Migrate-only mode: database schema is migrated and regions are seeded")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(LogLevel.Critical, "Migrate-only mode: migration failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
