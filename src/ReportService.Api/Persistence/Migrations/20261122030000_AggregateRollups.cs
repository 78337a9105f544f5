using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Aggregate rollups kept by every write, backfilled from the reports stored so far (ADR 5).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122030000_AggregateRollups")]
internal sealed class AggregateRollupsMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122030000_AggregateRollups.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE aggregate_rollups;");
}
