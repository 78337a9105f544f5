using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Who wrote each revision, and the append-only audit trail fed by a trigger.</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122050000_Audit")]
internal sealed class Audit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122050000_Audit.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(
            "DROP TRIGGER report_revisions_append_only ON report_revisions; DROP TRIGGER report_revisions_audit ON report_revisions; " +
            "DROP TABLE audit_events; DROP FUNCTION refuse_rewrite(); DROP FUNCTION audit_revisions(); " +
            "ALTER TABLE report_revisions DROP COLUMN operation, DROP COLUMN submitted_client;");
}
