using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Period locks set through the admin endpoint, and their append-only history (ADR 16).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261206100000_PeriodLocks")]
internal sealed class PeriodLocks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261206100000_PeriodLocks.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            DROP TABLE period_lock_events;
            DROP FUNCTION refuse_period_lock_event_change();
            DROP TABLE period_locks;
            """);
}
