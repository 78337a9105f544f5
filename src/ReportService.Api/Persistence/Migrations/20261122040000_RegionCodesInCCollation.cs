using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Region codes in byte order whatever the database's collation.</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122040000_RegionCodesInCCollation")]
internal sealed class RegionCodesInCCollation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122040000_RegionCodesInCCollation.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE reports ALTER COLUMN region_code TYPE text COLLATE \"default\"; " +
            "ALTER TABLE aggregate_rollups ALTER COLUMN region_code TYPE text COLLATE \"default\";");
}
