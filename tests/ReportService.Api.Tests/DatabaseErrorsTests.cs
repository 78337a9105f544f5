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
    public void A_constraint_violation_is_not_an_outage() =>
        Assert.False(DatabaseErrors.IsUnavailable(
            new Npgsql.PostgresException("duplicate key value", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.UniqueViolation)));

    [Fact]
    public void A_programming_error_is_not_an_outage() =>
        Assert.False(DatabaseErrors.IsUnavailable(new InvalidOperationException("Sequence contains no elements")));
}
