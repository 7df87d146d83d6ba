# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

# The planner through XS: plan_json (strings) and plan (Perl data), UTF-8
# correct both ways.

use strict;
use warnings;
use utf8;

use JSON::PP ();
use Test::More;

use SalesForce::XS;

my $Name  = 'Müller & Søn 東京 GmbH';
my %Input = (
    kind     => 'companies',
    settings => {
        name_format => '{Name} ({Id})',
        valid_data  => JSON::PP::true()
    },
    records => [
        {
            type => 'Account',
            Id   => '001000000000001AAA',
            Name => $Name
        },
        {
            type => 'Account',
            Id   => '001000000000002AAA',
            Name => '*Hidden Ltd'
        },
    ],
    otrs => {
        companies => [
            {
                CustomerID          => '001000000000003AAA',
                CustomerCompanyName => 'Kept (001000000000003AAA)',
                ValidID             => 1,
            },
        ],
        users            => [],
        referenced       => [],
        sync_invalidated => [],
    },
);

# Perl data in, Perl data out.
my $Plan = SalesForce::XS::plan( \%Input );
is( ref $Plan,     'HASH',      'plan() returns a hash' );
is( $Plan->{kind}, 'companies', 'kind' );
my ($Create) = grep { $_->{action} eq 'create' && $_->{id} eq '001000000000001AAA' } @{ $Plan->{actions} };
ok( $Create, 'the new Account is created' );
is( $Create->{values}->{CustomerCompanyName}, "$Name (001000000000001AAA)", 'non-ASCII name survives both ways' );
ok( utf8::is_utf8( $Create->{values}->{CustomerCompanyName} ), 'result strings are character strings' );
is( $Plan->{counts}->{skip}, 1, 'the *-name is skipped (valid_data)' );

# Also as a class method.
my $Again = SalesForce::XS->plan( \%Input );
is_deeply( $Again, $Plan, 'SalesForce::XS->plan gives the same plan' );

# Strings in, strings out: the same plan.
my $InputJSON = JSON::PP->new()->encode( \%Input );      # character string
my $PlanJSON  = SalesForce::XS::plan_json($InputJSON);
ok( utf8::is_utf8($PlanJSON), 'plan_json returns a character string' );
like( $PlanJSON, qr/\Q$Name\E/, 'the JSON text holds the name as characters' );
is_deeply( JSON::PP->new()->decode($PlanJSON), $Plan, 'plan_json and plan agree' );

# A Latin-1 (not UTF-8 flagged) Perl string is still text: é stays é.
my $Latin1 = "Caf\x{e9}";
utf8::downgrade($Latin1);
my %Latin1Input = (
    %Input,
    records => [ { type => 'Account', Id => '001000000000004AAA', Name => $Latin1 } ]
);
my $Latin1Plan = SalesForce::XS::plan( \%Latin1Input );
my ($Cafe) = grep { $_->{id} eq '001000000000004AAA' } @{ $Latin1Plan->{actions} };
is( $Cafe->{values}->{CustomerCompanyName}, "Caf\x{e9} (001000000000004AAA)", 'downgraded string round-trips' );

done_testing();
