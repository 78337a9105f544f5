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
    public void A_programming_error_is_not_an_outage() =>
        Assert.False(DatabaseErrors.IsUnavailable(new InvalidOperationException("Sequence contains no elements")));
}
