using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The rollups of approved reports, kept by reviews, and the change log's tag for them (ADR 17).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261206050000_ApprovedRollups")]
internal sealed class ApprovedRollups : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261206050000_ApprovedRollups.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE aggregate_changes DROP COLUMN approved; DROP TABLE approved_rollups;");
}
