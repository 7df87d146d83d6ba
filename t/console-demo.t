# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# tools/demo-plan (make demo without OTRS): it must start the fake with the
# sample data, plan against an empty OTRS and print the three tables.

use strict;
use warnings;
use utf8;

use Encode  ();
use FindBin qw($Bin);
use Test::More;

use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built (cargo build -p fake-salesforce)' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built (make xs)'                         if !eval { require SalesForce::XS; 1 };

# Run as a user runs it: no include paths from this test, not even through
# PERL5LIB (prove sets it): demo-plan finds its own modules.
my @Include = ();
delete local @ENV{qw(PERL5LIB PERLLIB)};
for my $Mode (qw(AccountOwner Contact)) {
    my $Output = qx{$^X @Include $Bin/../tools/demo-plan --mode $Mode 2>&1};
    is( $?, 0, "$Mode: exit 0" ) or diag $Output;
    like( $Output, qr/Customer companies to create: [1-9]\d*/,                     "$Mode: companies table" );
    like( $Output, qr/Customer users to create: [1-9]\d*/,                         "$Mode: customer users table" );
    like( $Output, qr/Company memberships to add \(customer_user_customer\): \d+/, "$Mode: memberships table" );
    like( $Output, qr/\| CustomerID\s+\| Name/,                                    "$Mode: a table header" );
    like( $Output, qr/names starting with \* are excluded/, "$Mode: skipped records with reasons" );

    # Every row of a table is as wide on screen as its border, Japanese names
    # (two columns a character) included.
    my $Text = Encode::decode( 'UTF-8', $Output );
    my ( $Border, @Misaligned );
    for my $Line ( split m{\n}, $Text ) {
        if ( $Line =~ m{\A  \+} ) {
            $Border = ScreenWidth($Line);
            next;
        }
        next if $Line !~ m{\A  \|};
        push @Misaligned, $Line if !defined $Border || ScreenWidth($Line) != $Border;
    }
    like( $Text, qr/[\p{Han}]/, "$Mode: the tables hold CJK names" );
    is_deeply( \@Misaligned, [], "$Mode: every table row lines up with its border" );
}

# Columns on screen: East Asian wide and fullwidth characters take two.
sub ScreenWidth {
    my ($Text) = @_;
    my $Wide = () = $Text =~ m{[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]}g;
    return length($Text) + $Wide;
}

my $Output = qx{$^X @Include $Bin/../tools/demo-plan --mode Nonsense 2>&1};
isnt( $?, 0, 'a bad --mode is refused' );
like( $Output, qr/--mode must be AccountOwner or Contact/, '... with a clear message' );

done_testing();
