using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The agencies register, its audit trail, and agencies learned from reports (issue 16 item 1).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261206000000_Agencies")]
internal sealed class Agencies : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261206000000_Agencies.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            DROP TRIGGER report_revisions_learn_agencies ON report_revisions;
            DROP FUNCTION learn_agencies();
            DROP TABLE agencies;
            DROP FUNCTION audit_agencies();
            DROP TABLE agency_events;
            """);
}
