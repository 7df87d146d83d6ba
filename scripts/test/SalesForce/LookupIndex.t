# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce::LookupIndex inside a real OTRS: on PostgreSQL the package
# install created the indexes for the CustomerUser backend's LOWER() lookups, PostgreSQL
# uses them for the statements OTRS runs before it adds a customer user, and Drop and
# Create work (inside the test transaction, rolled back at the end). On other databases:
# no index, and the reason. Run with
#   bin/otrs.Console.pl Dev::UnitTest::Run --test SalesForce/LookupIndex

use strict;
use warnings;
use utf8;

use vars (qw($Self));

# The tests end early (last TEST): no top-level return, so the file also runs as a script of its own (OTOBO).
TEST: {
    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::UnitTest::Helper' => {
            RestoreDatabase => 1,
        },
    );
    my $Helper            = $Kernel::OM->Get('Kernel::System::UnitTest::Helper');
    my $DBObject          = $Kernel::OM->Get('Kernel::System::DB');
    my $LookupIndexObject = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex');

    my %Wanted = $LookupIndexObject->Wanted();
    if ( $DBObject->{'DB::Type'} ne 'postgresql' ) {
        $Self->Is( scalar @{ $Wanted{Indexes} }, 0, "no lookup indexes on $DBObject->{'DB::Type'}" );
        $Self->True( $Wanted{Reason}, "... and the reason: $Wanted{Reason}" );
        last TEST;
    }
    last TEST if !$Self->True( scalar @{ $Wanted{Indexes} }, 'PostgreSQL: lookup indexes wanted' );

    my $IndexNames = sub {
        $DBObject->Prepare(
            SQL  => 'SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname',
            Bind => [ \$Wanted{Indexes}->[0]->{Table} ],
        );
        my @Names;
        while ( my @Row = $DBObject->FetchrowArray() ) {
            push @Names, $Row[0] if $Row[0] =~ m{\A salesforce_cu_ \w+ _lower \z}xms;
        }
        return \@Names;
    };
    my @Expected = sort map { $_->{Name} } @{ $Wanted{Indexes} };
    $Self->IsDeeply( $IndexNames->(), \@Expected, 'the package install created the indexes: ' . "@Expected" );

    # The plan of the statements OTRS runs in CustomerUserAdd (Kernel::System::CustomerUser::DB), with
    # sequential scans priced out so that the plan shows whether an index can serve them at all.
    $DBObject->Do( SQL => 'SET LOCAL enable_seqscan = off' );
    for my $Index ( @{ $Wanted{Indexes} } ) {
        $DBObject->Prepare(
            SQL  => "EXPLAIN SELECT $Index->{Column} FROM $Index->{Table} WHERE LOWER($Index->{Column}) = LOWER(?)",
            Bind => [ \'Someone@Example.invalid' ],
        );
        my $Plan = '';
        while ( my @Row = $DBObject->FetchrowArray() ) {
            $Plan .= "$Row[0]\n";
        }
        $Self->True(
            index( $Plan, $Index->{Name} ) >= 0,
            "PostgreSQL serves LOWER($Index->{Column}) = LOWER(?) with $Index->{Name}"
        );
    }

    $Self->IsDeeply( [ $LookupIndexObject->Drop() ], \@Expected, 'Drop drops them' );
    $Self->IsDeeply( $IndexNames->(),                [],         '... and they are gone' );
    my %Result = $LookupIndexObject->Create();
    $Self->IsDeeply( [ sort @{ $Result{Created} } ], \@Expected, 'Create makes them again' );
    $Self->IsDeeply( $Result{Failed},                [],         '... without a failure' );
    $Self->IsDeeply( $IndexNames->(),                \@Expected, '... and they are there' );
}

1;
