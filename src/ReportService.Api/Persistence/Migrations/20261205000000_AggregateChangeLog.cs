using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The aggregate change log that brings cached answers forward (ADR 11).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261205000000_AggregateChangeLog")]
internal sealed class AggregateChangeLog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261205000000_AggregateChangeLog.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE aggregate_change_horizon; DROP TABLE aggregate_changes;");
}
