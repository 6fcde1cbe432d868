using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Cameras : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "camera_base_images",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeviceId = table.Column<int>(type: "integer", nullable: false),
                    SiteId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Path = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SnapshotId = table.Column<long>(type: "bigint", nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FollowsSnapshotId = table.Column<long>(type: "bigint", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_base_images", x => x.Id);
                    table.ForeignKey(
                        name: "FK_camera_base_images_devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "camera_comparisons",
                columns: table => new
                {
                    SnapshotId = table.Column<long>(type: "bigint", nullable: false),
                    DeviceId = table.Column<int>(type: "integer", nullable: false),
                    SiteId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    BaseImageId = table.Column<long>(type: "bigint", nullable: false),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    TakenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ComparedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Verdict = table.Column<int>(type: "integer", nullable: true),
                    WeightedChange = table.Column<double>(type: "double precision", nullable: false),
                    ControlChange = table.Column<double>(type: "double precision", nullable: false),
                    ShiftX = table.Column<double>(type: "double precision", nullable: false),
                    ShiftY = table.Column<double>(type: "double precision", nullable: false),
                    Regions = table.Column<string>(type: "character varying(12000)", maxLength: 12000, nullable: false),
                    ConsecutiveChanged = table.Column<int>(type: "integer", nullable: false),
                    ConsecutiveInconclusive = table.Column<int>(type: "integer", nullable: false),
                    RaisesAlarm = table.Column<bool>(type: "boolean", nullable: false),
                    AlarmId = table.Column<long>(type: "bigint", nullable: true),
                    EvidenceBasePath = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    EvidenceCurrentPath = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_comparisons", x => x.SnapshotId);
                    table.ForeignKey(
                        name: "FK_camera_comparisons_camera_base_images_BaseImageId",
                        column: x => x.BaseImageId,
                        principalTable: "camera_base_images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_camera_comparisons_device_snapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "device_snapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "camera_policies",
                columns: table => new
                {
                    DeviceId = table.Column<int>(type: "integer", nullable: false),
                    SiteId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    BaseImageId = table.Column<long>(type: "bigint", nullable: true),
                    Regions = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    RegionChangeThreshold = table.Column<double>(type: "double precision", nullable: false),
                    WeightedChangeThreshold = table.Column<double>(type: "double precision", nullable: false),
                    ControlChangeThreshold = table.Column<double>(type: "double precision", nullable: false),
                    PersistenceCount = table.Column<int>(type: "integer", nullable: false),
                    MaxAlignmentShift = table.Column<int>(type: "integer", nullable: false),
                    StructureWeight = table.Column<double>(type: "double precision", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    LastSnapshotId = table.Column<long>(type: "bigint", nullable: false),
                    ConsecutiveChanged = table.Column<int>(type: "integer", nullable: false),
                    ConsecutiveInconclusive = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_policies", x => x.DeviceId);
                    table.ForeignKey(
                        name: "FK_camera_policies_camera_base_images_BaseImageId",
                        column: x => x.BaseImageId,
                        principalTable: "camera_base_images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_camera_policies_devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_camera_base_images_DeviceId_ApprovedAt",
                table: "camera_base_images",
                columns: new[] { "DeviceId", "ApprovedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_camera_comparisons_BaseImageId",
                table: "camera_comparisons",
                column: "BaseImageId");

            migrationBuilder.CreateIndex(
                name: "IX_camera_comparisons_DeviceId_SnapshotId",
                table: "camera_comparisons",
                columns: new[] { "DeviceId", "SnapshotId" });

            migrationBuilder.CreateIndex(
                name: "IX_camera_comparisons_RaisesAlarm_AlarmId",
                table: "camera_comparisons",
                columns: new[] { "RaisesAlarm", "AlarmId" });

            migrationBuilder.CreateIndex(
                name: "IX_camera_policies_BaseImageId",
                table: "camera_policies",
                column: "BaseImageId");

            migrationBuilder.CreateIndex(
                name: "IX_camera_policies_SiteId",
                table: "camera_policies",
                column: "SiteId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "camera_comparisons");

            migrationBuilder.DropTable(
                name: "camera_policies");

            migrationBuilder.DropTable(
                name: "camera_base_images");
        }
    }
}
