using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;

namespace ReportService.Api.Tests;

public sealed class DatabaseErrorsTests
{
    [Fact]
    public void A_transaction_found_completed_after_a_broken_connection_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new InvalidOperationException("Transaction is already completed - no longer usable")));

    [Fact]
    public void An_outage_wrapped_by_ef_core_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new DbUpdateException("save failed", new TimeoutException())));

    [Fact]
    public void No_primary_among_the_hosts_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new Npgsql.NpgsqlException("No suitable host was found.")));

    [Fact]
    public void A_write_that_reached_a_standby_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new DbUpdateException("save failed",
            new Npgsql.PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction))));

    [Fact]
    public void Only_an_old_primary_among_the_reachable_hosts_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new Npgsql.NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.",
            new AggregateException(new StalePrimaryException("10.0.0.1:5432", 1, 2)))));

    [Fact]
    public void A_commit_not_confirmed_by_the_standby_is_an_outage() =>
        Assert.True(DatabaseErrors.IsUnavailable(new UnconfirmedCommitException("canceling wait for synchronous replication due to user request")));

    [Fact]
    public void The_timeline_guard_refuses_only_a_lower_timeline_of_the_same_system()
    {
        var guard = new PrimaryTimelineGuard(Microsoft.Extensions.Logging.Abstractions.NullLogger<PrimaryTimelineGuard>.Instance);
        guard.Observe(7, 2, "b:5432");
        guard.Observe(7, 2, "b:5432");
        guard.Observe(7, 3, "c:5432");
        Assert.Throws<StalePrimaryException>(() => guard.Observe(7, 2, "b:5432"));
        guard.Observe(8, 1, "d:5432");
        guard.Observe(7, 0, "a:5432");
    }

    [Fact]
    public void A_constraint_violation_is_not_an_outage() =>
        Assert.False(DatabaseErrors.IsUnavailable(
            new Npgsql.PostgresException("duplicate key value", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.UniqueViolation)));

    [Fact]
    public void A_programming_error_is_not_an_outage() =>
        Assert.False(DatabaseErrors.IsUnavailable(new InvalidOperationException("Sequence contains no elements")));
}
