using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The change counter behind aggregate ETags, and the aggregate filter index.</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122020000_Aggregates")]
internal sealed class Aggregates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122020000_Aggregates.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP INDEX ix_reports_scope_year_region; DROP SEQUENCE report_changes;");
}
