using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Changes of the agencies register logged in the aggregate change log, so that completeness sees them (ADR 18).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261207000000_AgencyChangeLog")]
internal sealed class AgencyChangeLog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261207000000_AgencyChangeLog.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            DROP TRIGGER agencies_log_insert ON agencies;
            DROP TRIGGER agencies_log_update ON agencies;
            DROP TRIGGER agencies_log_delete ON agencies;
            DROP FUNCTION log_agency_regions();
            """);
}
