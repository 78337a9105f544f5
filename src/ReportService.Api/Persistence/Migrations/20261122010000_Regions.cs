using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The regions table of the division reference.</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122010000_Regions")]
internal sealed class Regions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122010000_Regions.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE regions;");
}
