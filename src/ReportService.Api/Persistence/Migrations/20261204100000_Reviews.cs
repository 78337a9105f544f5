using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>Review status of reports and the append-only, audited review events (issue 16).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261204100000_Reviews")]
internal sealed class Reviews : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261204100000_Reviews.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            DROP TABLE report_reviews;
            DROP FUNCTION audit_reviews();
            DROP FUNCTION refuse_review_change();
            ALTER TABLE reports DROP COLUMN review_status;
            """);
}
