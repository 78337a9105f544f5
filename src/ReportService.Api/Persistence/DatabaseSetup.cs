using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using ReportService.Api.Features.Regions;

namespace ReportService.Api.Persistence;

internal static class DatabaseSetup
{
    public const string ConnectionStringName = "Reports";

    public static IServiceCollection AddReportsDatabase(this IServiceCollection services)
    {
        // Resolved lazily so that configuration supplied by a host or test factory after Program's first
        // lines is honoured.
        services.AddSingleton(provider =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"ConnectionStrings:{ConnectionStringName} is not configured. scripts/run starts a local PostgreSQL and sets it for you.");
            }

            var builder = new NpgsqlDataSourceBuilder(connectionString);
            ApplyDefaults(builder.ConnectionStringBuilder);
            var timelines = provider.GetRequiredService<PrimaryTimelineGuard>();
            builder.UsePhysicalConnectionInitializer(timelines.Check, timelines.CheckAsync);
            // The check runs once per physical connection, inside whatever request opened it: not a span of that request.
            builder.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(command => !PrimaryTimelineGuard.IsOwn(command)));
            return builder.Build();
        });
        services.AddSingleton<PrimaryTimelineGuard>();
        services.AddDbContextPool<ReportsDbContext>((provider, options) => options
            .UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>())
            // Migrations are hand-written (ADR 4), so there is no model snapshot to compare with.
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning)));
        services.AddSingleton<AggregateReadSource>();
        services.AddSingleton<Features.Aggregates.AggregateChangeFeed>();
        services.AddHostedService<AggregateChangePruner>();
        services.AddSingleton<DatabaseState>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The service's connection defaults, each applied only when the operator's connection string does not set
    /// it (docs/operations.md, docs/benchmarks.md "Persistence"): Npgsql prepares a statement once it has seen
    /// it twice on a physical connection (the 229-column statements would otherwise be parsed and planned by
    /// PostgreSQL on every call), and PostgreSQL's JIT compiler is off for the service's sessions (the
    /// rollup statements' cost estimates are far above jit_above_cost, and compiling them costs more than it
    /// saves on every call). Commands have no Command Timeout of Npgsql's (30 s): a timeout that fires while a
    /// COMMIT waits for a synchronous standby makes PostgreSQL keep the commit on the primary alone and report
    /// success (ADR 12). Requests still end at their request timeout, whose token cancels their statements;
    /// commits are never cancelled.
    /// </summary>
    internal static void ApplyDefaults(NpgsqlConnectionStringBuilder settings)
    {
        // NpgsqlConnectionStringBuilder.ContainsKey says whether a keyword is known, not whether it was set:
        // what the operator set is read from the connection string itself (keywords compare without spaces
        // and case, as Npgsql's do: "Max Auto Prepare", "MaxAutoPrepare").
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        if (!given.Contains("maxautoprepare"))
        {
            settings.MaxAutoPrepare = 64;
        }

        if (!given.Contains("autoprepareminusages"))
        {
            settings.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("commandtimeout"))
        {
            settings.CommandTimeout = 0;
        }

        if (string.IsNullOrWhiteSpace(settings.Options))
        {
            settings.Options = "-c jit=off";
        }
        else if (!settings.Options.Contains("jit", StringComparison.OrdinalIgnoreCase))
        {
            settings.Options += " -c jit=off";
        }
    }
}

/// <summary>Whether the schema is known to be migrated; until it is, database endpoints answer 503.</summary>
internal sealed class DatabaseState
{
    private volatile bool _migrated;

    public bool Migrated => _migrated;

    public void MarkMigrated() => _migrated = true;
}

/// <summary>
/// Applies the committed migrations at start-up. A database that is down at start-up does not stop the
/// service: it keeps trying in the background and answers 503 meanwhile.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes, DatabaseState state, RegionDirectory regions, IConfiguration configuration, ILogger<DatabaseMigrator> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Database:MigrateOnStartup", true))
        {
            _retrying = WaitForSchemaAsync(_stopping.Token);
            return;
        }

        if (!await TryMigrateAsync(cancellationToken))
        {
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is not null)
        {
            await Task.WhenAny(_retrying, Task.Delay(Timeout.Infinite, cancellationToken));
        }
    }

    // Cancel, never dispose (as BackgroundService does): the host may call StopAsync after Dispose. WebApplicationFactory
    // and WebApplication.Run both stop and dispose a minimal-API host (dotnet/aspnetcore#40271), and CancelAsync on a
    // disposed source would throw ObjectDisposedException out of the host's StopAsync.
    public void Dispose() => _stopping.Cancel();

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !await TryMigrateAsync(cancellationToken))
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>When another process (the Helm migration job) migrates, wait until nothing is pending.</summary>
    private async Task WaitForSchemaAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
                // Asking an empty database for its applied migrations makes EF log a failed command at Error level.
                if (await db.GetService<IHistoryRepository>().ExistsAsync(cancellationToken)
                    && !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
                {
                    state.MarkMigrated();
                    return;
                }
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
            {
                LogUnavailable(logger, ex.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<bool> TryMigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await MigrateAndSeedAsync(scope.ServiceProvider.GetRequiredService<ReportsDbContext>(), regions, cancellationToken);
            state.MarkMigrated();
            LogMigrated(logger);
            return true;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            LogUnavailable(logger, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Applies the pending migrations, seeds the regions, logs an aggregate reset and advances the aggregate data version: the whole
    /// start-up step, shared with the migrate-only mode (<see cref="MigrateCommand"/>).
    /// </summary>
    internal static async Task MigrateAndSeedAsync(ReportsDbContext db, RegionDirectory regions, CancellationToken cancellationToken)
    {
        // EF reads the history table before it creates it, and logs that failed read at Error level on every first start
        // (the provider then creates it): create it first, with the provider's own script, so a first start logs no error.
        // (A database that does not exist yet is created by MigrateAsync, which then knows there is no history to read.)
        if (await db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await RegionSeeder.SeedAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), regions, cancellationToken);
        // Rows may have changed while no process logged them (a migration, an operator's hand): every process's
        // cached aggregate answers are recomputed (ADR 11).
        await AggregateChangeLog.ResetAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), cancellationToken);
        await ReportChanges.AdvanceAsync(db);
    }

    [LoggerMessage(LogLevel.Information, "Database schema is migrated")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Database unavailable, will retry: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
