using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CreditSupport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "collateral",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "text", nullable: true),
                    OwnerCustomerId = table.Column<int>(type: "integer", nullable: true),
                    OwnerName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OwnerIdNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CertificateNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    RegisteredOn = table.Column<DateOnly>(type: "date", nullable: false),
                    ReleasedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collateral", x => x.Id);
                    table.ForeignKey(
                        name: "FK_collateral_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_collateral_customers_OwnerCustomerId",
                        column: x => x.OwnerCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "customer_groups",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_customer_groups_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "guarantees",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "text", nullable: true),
                    GuarantorCustomerId = table.Column<int>(type: "integer", nullable: true),
                    GuarantorKind = table.Column<int>(type: "integer", nullable: false),
                    GuarantorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    GuarantorIdNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Liability = table.Column<int>(type: "integer", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric", nullable: false),
                    ContractNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    StartDate = table.Column<DateOnly>(type: "date", nullable: false),
                    EndDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ReleasedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_guarantees", x => x.Id);
                    table.ForeignKey(
                        name: "FK_guarantees_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_guarantees_customers_GuarantorCustomerId",
                        column: x => x.GuarantorCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_guarantees_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "collateral_assignments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CollateralId = table.Column<long>(type: "bigint", nullable: false),
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "text", nullable: true),
                    SecuredAmount = table.Column<decimal>(type: "numeric", nullable: false),
                    ReleasedOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collateral_assignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_collateral_assignments_collateral_CollateralId",
                        column: x => x.CollateralId,
                        principalTable: "collateral",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_collateral_assignments_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "collateral_valuations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CollateralId = table.Column<long>(type: "bigint", nullable: false),
                    Value = table.Column<decimal>(type: "numeric", nullable: false),
                    ValuationDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Valuer = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Method = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collateral_valuations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_collateral_valuations_collateral_CollateralId",
                        column: x => x.CollateralId,
                        principalTable: "collateral",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GroupId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    JoinedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => x.Id);
                    table.ForeignKey(
                        name: "FK_group_members_customer_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "customer_groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_group_members_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_collateral_Code",
                table: "collateral",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_collateral_CustomerId",
                table: "collateral",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_collateral_OrganisationPath",
                table: "collateral",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_collateral_OwnerCustomerId",
                table: "collateral",
                column: "OwnerCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_collateral_assignments_CollateralId_LoanId",
                table: "collateral_assignments",
                columns: new[] { "CollateralId", "LoanId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_collateral_assignments_LoanId",
                table: "collateral_assignments",
                column: "LoanId");

            migrationBuilder.CreateIndex(
                name: "IX_collateral_assignments_OrganisationPath",
                table: "collateral_assignments",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_collateral_valuations_CollateralId_ValuationDate",
                table: "collateral_valuations",
                columns: new[] { "CollateralId", "ValuationDate" });

            migrationBuilder.CreateIndex(
                name: "IX_customer_groups_Code",
                table: "customer_groups",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_customer_groups_OrganisationId",
                table: "customer_groups",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_groups_OrganisationPath",
                table: "customer_groups",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_group_members_CustomerId",
                table: "group_members",
                column: "CustomerId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_group_members_GroupId",
                table: "group_members",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_group_members_OrganisationPath",
                table: "group_members",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_guarantees_CustomerId",
                table: "guarantees",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_guarantees_GuarantorCustomerId",
                table: "guarantees",
                column: "GuarantorCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_guarantees_LoanId",
                table: "guarantees",
                column: "LoanId");

            migrationBuilder.CreateIndex(
                name: "IX_guarantees_OrganisationPath",
                table: "guarantees",
                column: "OrganisationPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "collateral_assignments");

            migrationBuilder.DropTable(
                name: "collateral_valuations");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "guarantees");

            migrationBuilder.DropTable(
                name: "collateral");

            migrationBuilder.DropTable(
                name: "customer_groups");
        }
    }
}
