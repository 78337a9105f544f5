using Npgsql;

namespace ReportService.Api.Persistence;

/// <summary>
/// Keeps the aggregate change log short (ADR 11): every <c>Aggregates:ChangeLog:PruneSeconds</c> it deletes the rows
/// older than the horizon, which trails the oldest running transaction by at least
/// <c>Aggregates:ChangeLog:RetentionSeconds</c>. A process that has read the log within the retention has missed
/// nothing; one that has not (idle for longer) sees the horizon past its snapshot and recomputes its answers. Every
/// process runs it; the horizon row makes the runs of several processes one.
/// </summary>
internal sealed partial class AggregateChangePruner(
    NpgsqlDataSource dataSource, DatabaseState state, IConfiguration configuration, ILogger<AggregateChangePruner> logger) : BackgroundService
{
    public const string PruneSetting = "Aggregates:ChangeLog:PruneSeconds";

    public const string RetentionSetting = "Aggregates:ChangeLog:RetentionSeconds";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue(PruneSetting, 60), 1, 86_400));
        var retention = Math.Clamp(configuration.GetValue(RetentionSetting, 600), 1, 7 * 86_400);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                if (state.Migrated)
                {
                    LogPruned(logger, await PruneAsync(dataSource, retention, stoppingToken));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
            {
                LogUnavailable(logger, ex.Message);
            }
        }
    }

    /// <summary>One pruning step; the rows deleted.</summary>
    internal static async Task<int> PruneAsync(NpgsqlDataSource dataSource, int retentionSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(AggregateChangeLog.PruneSql, connection);
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = retentionSeconds });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "Aggregate change log pruned: {Rows} rows")]
    private static partial void LogPruned(ILogger logger, int rows);

    [LoggerMessage(LogLevel.Debug, "Aggregate change log not pruned, database unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
