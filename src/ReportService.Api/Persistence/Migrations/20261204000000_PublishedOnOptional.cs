using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The publication date becomes optional: many published reports print none.</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261204000000_PublishedOnOptional")]
internal sealed class PublishedOnOptional : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261204000000_PublishedOnOptional.sql"));

    // Reports stored without a date cannot go back under NOT NULL; the down migration refuses rather than invent dates.
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE reports ALTER COLUMN published_on SET NOT NULL;");
}
