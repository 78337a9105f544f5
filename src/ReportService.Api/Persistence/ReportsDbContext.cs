using Microsoft.EntityFrameworkCore;
using ReportService.Statutory.Model;

namespace ReportService.Api.Persistence;

internal sealed class ReportsDbContext(DbContextOptions<ReportsDbContext> options) : DbContext(options)
{
    /// <summary>One report per agency credit code, year and scope.</summary>
    public const string IdentityConstraint = "ux_reports_identity";

    public DbSet<StoredReport> Reports => Set<StoredReport>();

    public DbSet<StoredRevision> Revisions => Set<StoredRevision>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<StoredReview> Reviews => Set<StoredReview>();

    public DbSet<StoredAgency> Agencies => Set<StoredAgency>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredReport>(report =>
        {
            report.ToTable("reports");
            report.HasKey(r => r.Id);
            report.Property(r => r.Id).HasColumnName("id");
            report.Property(r => r.CreditCode).HasColumnName("credit_code").HasMaxLength(18);
            report.Property(r => r.Year).HasColumnName("year");
            report.Property(r => r.Scope).HasColumnName("scope").HasConversion(EnumText<ReportScope>());
            report.Property(r => r.Format).HasColumnName("format");
            report.Property(r => r.AgencyName).HasColumnName("agency_name");
            report.Property(r => r.RegionCode).HasColumnName("region_code");
            report.Property(r => r.Level).HasColumnName("level").HasConversion(EnumText<AgencyLevel>());
            report.Property(r => r.Kind).HasColumnName("kind").HasConversion(EnumText<AgencyKind>());
            report.Property(r => r.PublishedOn).HasColumnName("published_on");
            report.Property(r => r.CurrentRevision).HasColumnName("current_revision").IsConcurrencyToken();
            report.Property(r => r.ReviewStatus).HasColumnName("review_status");
            report.Property(r => r.CreatedAt).HasColumnName("created_at");
            report.Property(r => r.UpdatedAt).HasColumnName("updated_at");
            report.HasIndex(r => new { r.CreditCode, r.Year, r.Scope }).IsUnique().HasDatabaseName(IdentityConstraint);
        });

        modelBuilder.Entity<StoredReview>(review =>
        {
            review.ToTable("report_reviews");
            review.HasKey(r => r.Id);
            review.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            review.Property(r => r.ReportId).HasColumnName("report_id");
            review.Property(r => r.Revision).HasColumnName("revision");
            review.Property(r => r.Decision).HasColumnName("decision");
            review.Property(r => r.Comment).HasColumnName("comment");
            review.Property(r => r.ReviewedBy).HasColumnName("reviewed_by");
            review.Property(r => r.ReviewedClient).HasColumnName("reviewed_client");
            review.Property(r => r.ReviewedAt).HasColumnName("reviewed_at");
            review.HasOne<StoredReport>().WithMany().HasForeignKey(r => r.ReportId);
        });

        modelBuilder.Entity<StoredAgency>(agency =>
        {
            agency.ToTable("agencies");
            agency.HasKey(a => a.CreditCode);
            agency.Property(a => a.CreditCode).HasColumnName("credit_code");
            agency.Property(a => a.Name).HasColumnName("name");
            agency.Property(a => a.RegionCode).HasColumnName("region_code");
            agency.Property(a => a.Level).HasColumnName("level").HasConversion(EnumText<AgencyLevel>());
            agency.Property(a => a.Kind).HasColumnName("kind").HasConversion(EnumText<AgencyKind>());
            agency.Property(a => a.FirstYear).HasColumnName("first_year");
            agency.Property(a => a.LastYear).HasColumnName("last_year");
            agency.Property(a => a.Source).HasColumnName("source");
            agency.Property(a => a.Version).HasColumnName("version");
            agency.Property(a => a.ChangedAt).HasColumnName("changed_at");
            agency.Property(a => a.ChangedBy).HasColumnName("changed_by");
            agency.Property(a => a.ChangedClient).HasColumnName("changed_client");
        });

        modelBuilder.Entity<StoredRevision>(revision =>
        {
            revision.ToTable("report_revisions");
            revision.HasKey(r => new { r.ReportId, r.Revision });
            revision.Property(r => r.ReportId).HasColumnName("report_id");
            revision.Property(r => r.Revision).HasColumnName("revision");
            revision.Property(r => r.SubmittedAt).HasColumnName("submitted_at");
            revision.Property(r => r.SubmittedBy).HasColumnName("submitted_by");
            revision.Property(r => r.SubmittedClient).HasColumnName("submitted_client");
            revision.Property(r => r.Operation).HasColumnName("operation");
            revision.Property(r => r.ContentHash).HasColumnName("content_hash");
            revision.Property(r => r.Body).HasColumnName("body").HasColumnType("jsonb");
            revision.Property(r => r.Warnings).HasColumnName("warnings").HasColumnType("jsonb");
            revision.HasOne<StoredReport>().WithMany().HasForeignKey(r => r.ReportId);
            foreach (var column in CellColumns.All)
            {
                if (column.Kind == CellColumnKind.Amount)
                {
                    revision.Property<decimal?>(column.Name).HasColumnName(column.Name).HasColumnType("numeric(30,6)");
                }
                else
                {
                    revision.Property<int?>(column.Name).HasColumnName(column.Name);
                }
            }
        });

        modelBuilder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable("idempotency_keys");
            record.HasKey(r => r.Key);
            record.Property(r => r.Key).HasColumnName("key");
            record.Property(r => r.RequestHash).HasColumnName("request_hash");
            record.Property(r => r.ReportId).HasColumnName("report_id");
            record.Property(r => r.Revision).HasColumnName("revision");
            record.Property(r => r.CreatedAt).HasColumnName("created_at");
            record.HasOne<StoredReport>().WithMany().HasForeignKey(r => r.ReportId);
        });
    }

    /// <summary>Enums are stored as their contract names (<c>regionAggregate</c>), readable in SQL.</summary>
    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> EnumText<T>() where T : struct, Enum =>
        new(value => Infrastructure.ContractEnums.Name(value), text => Enum.Parse<T>(text, true));
}
