# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::Apply;

use strict;
use warnings;

use Time::HiRes();

# A part of Kernel::System::SalesForce::Sync, never loaded through the object manager itself.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::System::Cache',
    'Kernel::System::CustomerCompany',
    'Kernel::System::CustomerUser',
    'Kernel::System::DB',
    'Kernel::System::Log',
    'Kernel::System::Ticket',
);

# OTRS's valid IDs (table valid).
use constant {
    ValidIDValid              => 1,
    ValidIDInvalid            => 2,
    ValidIDInvalidTemporarily => 3,    # e.g. set after failed logins; the sync never resets it
};

# Keys of a CustomerCompanyGet / CustomerUserDataGet hash that are not map params.
# Writes are committed in transactions of this many records (one commit per
# record was most of the time of a first sync), each record behind a
# savepoint, so that one refused record fails alone.
our $TransactionSize = 200;

# Savepoint statements per database type (sprintf with the name): set, roll
# back to, release (none where the database has no RELEASE). Other types
# commit every record, as OTRS itself does.
my %SavepointSQL = (
    postgresql => [ 'SAVEPOINT %s',        'ROLLBACK TO SAVEPOINT %s', 'RELEASE SAVEPOINT %s' ],
    mysql      => [ 'SAVEPOINT %s',        'ROLLBACK TO SAVEPOINT %s', 'RELEASE SAVEPOINT %s' ],
    oracle     => [ 'SAVEPOINT %s',        'ROLLBACK TO SAVEPOINT %s', undef ],
    mssql      => [ 'SAVE TRANSACTION %s', 'ROLLBACK TRANSACTION %s',  undef ],
);

my %NotWritable = map { $_ => 1 } qw(
    Source Config CompanyConfig CreateTime CreateBy ChangeTime ChangeBy UserPassword
);

=head1 NAME

Kernel::System::SalesForce::Sync::Apply - part of Kernel::System::SalesForce::Sync: apply the plan

=head1 DESCRIPTION

Applies the actions of a plan, in list order, through the OTRS API
(CustomerCompanyAdd/Update, CustomerUserAdd/Update, CustomerUserCustomerMemberAdd),
so caches, events and backends stay right. An update merges the plan's changes
into a fresh Get (OTRS overwrites every field it is not given). The plan's values
are taken as they come: the planner already gives them in OTRS form.

=head1 PUBLIC INTERFACE

=head2 Apply()

Applies the actions of a plan through the OTRS API and records the outcome in
the report (see L<Kernel::System::SalesForce::Sync/Sync()>). Failures of single
records are collected with the OTRS log message and do not stop the run.

    $SyncObject->Apply(
        Kind     => 'customers',
        Plan     => $Plan,
        Report   => $Report,
        UserID   => 1,
        Progress => sub { ... },    # optional
    );

Returns 1.

=cut

sub Apply {
    my ( $Self, %Param ) = @_;

    my $Kind     = $Param{Kind};
    my $Report   = $Param{Report};
    my $Progress = $Param{Progress} || sub { };
    my @Actions  = @{ $Param{Plan}->{actions} || [] };
    my $Total    = scalar @Actions;

    $Self->{Applied} = {
        invalidated => [],
        revalidated => [],
        deleted     => [],
    };

    my $Started      = Time::HiRes::time();
    my $LastProgress = $Started;
    my $Done         = 0;
    my $Batch        = $Self->_BatchBegin( Report => $Report );

    ACTION:
    for my $Action (@Actions) {
        $Self->_BatchRecordBegin($Batch);
        my $Method = $Kind eq 'companies' ? '_CompanyAction' : '_UserAction';
        my $Failed = @{ $Report->{failed} };
        my $Ok     = $Self->$Method(
            Action => $Action,
            Report => $Report,
            UserID => $Param{UserID},
        );
        $Self->_BatchRecordEnd( $Batch, $Action, $Ok || @{ $Report->{failed} } == $Failed );

        $Done++;
        if ( $Done % $TransactionSize == 0 ) {
            $Self->_BatchCommit( $Batch, Report => $Report );
            $Batch = $Self->_BatchBegin( Report => $Report );
        }
        if ( $Done % 500 == 0 && $Kernel::OM->can('ObjectEventsHandle') ) {
            $Kernel::OM->ObjectEventsHandle();
        }
        my $Now = Time::HiRes::time();
        if ( $Done == $Total || $Done % 100 == 0 || $Now - $LastProgress >= 5 ) {
            $LastProgress = $Now;
            $Progress->(
                Stage   => 'apply',
                Done    => $Done,
                Total   => $Total,
                Seconds => $Now - $Started,
            );
        }
    }
    $Self->_BatchCommit( $Batch, Report => $Report );

    return 1;
}

=begin Internal:

=cut

sub _CompanyAction {
    my ( $Self, %Param ) = @_;

    my $Action                = $Param{Action};
    my $Report                = $Param{Report};
    my $CustomerCompanyObject = $Kernel::OM->Get('Kernel::System::CustomerCompany');
    my $Type                  = $Action->{action} // '';
    my $ID                    = $Action->{id};

    if ( $Type eq 'create' ) {
        my %Values = %{ $Action->{values} || {} };
        $Values{CustomerID} //= $ID;
        my $Success = $CustomerCompanyObject->CustomerCompanyAdd(
            %Values,
            UserID => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerCompanyAdd' ) if !$Success;
        $Report->{counts}->{created}++;
        return 1;
    }

    if ( $Type eq 'update' || $Type eq 'invalidate' ) {
        my %Old = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $ID );
        if ( !%Old ) {
            return $Self->_Failed( $Report, $Action, 'CustomerCompanyGet', "company '$ID' no longer exists in OTRS" );
        }
        my %Changes = $Type eq 'invalidate' ? ( ValidID => ValidIDInvalid ) : %{ $Action->{changes} || {} };
        my %New     = $Self->_Merge( \%Old, \%Changes );
        my $Success = $CustomerCompanyObject->CustomerCompanyUpdate(
            %New,
            CustomerCompanyID => $Old{CustomerID},
            CustomerID        => $New{CustomerID} // $Old{CustomerID},
            UserID            => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerCompanyUpdate' ) if !$Success;
        $Self->_Track( $Type, $ID, \%Old, \%New );
        $Report->{counts}->{ $Type eq 'invalidate' ? 'invalidated' : 'updated' }++;
        return 1;
    }

    if ( $Type eq 'delete' ) {
        return if $Self->_SkipUsedByTickets(
            Report => $Report,
            ID     => $ID,
            Search => { CustomerIDRaw => $ID },
        );
        my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
        return $Self->_Failed( $Report, $Action, 'DELETE customer_company' ) if !$DBObject->Do(
            SQL  => 'DELETE FROM customer_company WHERE customer_id = ?',
            Bind => [ \$ID ],
        );

        # OTRS has no API to delete a company: clear what the API would have cleared.
        my $CacheObject = $Kernel::OM->Get('Kernel::System::Cache');
        for my $CacheType (qw(CustomerCompany CustomerCompany_CustomerCompanyList)) {
            $CacheObject->CleanUp( Type => $CacheType );
        }
        push @{ $Self->{Applied}->{deleted} }, $ID;
        $Report->{counts}->{deleted}++;
        return 1;
    }

    return $Self->_Failed( $Report, $Action, 'plan', "unknown action '$Type'" );
}

sub _UserAction {
    my ( $Self, %Param ) = @_;

    my $Action             = $Param{Action};
    my $Report             = $Param{Report};
    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $Type               = $Action->{action} // '';
    my $ID                 = $Action->{id};

    if ( $Type eq 'create' ) {
        my %Values = %{ $Action->{values} || {} };
        $Values{UserLogin} //= $Action->{login} // $ID;
        my $Login = $CustomerUserObject->CustomerUserAdd(
            Source => 'CustomerUser',
            %Values,
            UserID => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerUserAdd' ) if !$Login;
        $Report->{counts}->{created}++;
        $Self->_Memberships(
            Login  => $Login,
            Action => $Action,
            Report => $Report,
            UserID => $Param{UserID},
        );
        return 1;
    }

    if ( $Type eq 'update' || $Type eq 'invalidate' ) {
        my $Login = $Action->{login} // $ID;
        my %Old   = $CustomerUserObject->CustomerUserDataGet( User => $Login );
        if ( !%Old ) {
            return $Self->_Failed( $Report, $Action, 'CustomerUserDataGet', "customer user '$Login' no longer exists" );
        }
        my %Changes = $Type eq 'invalidate' ? ( ValidID => ValidIDInvalid ) : %{ $Action->{changes} || {} };

        # Only the backend's map params go back; the company fields and
        # preferences that DataGet adds are not the user's.
        my %MapParams = map { $_->[0] => 1 } @{ ( $Self->_BackendMap('CustomerUser') )[1] };
        my %OldUser   = map { $_ => $Old{$_} } grep { $MapParams{$_} } keys %Old;
        my %New       = $Self->_Merge( \%OldUser, \%Changes );

        if ( %Changes || $Type eq 'invalidate' ) {
            my $Success = $CustomerUserObject->CustomerUserUpdate(
                %New,
                Source    => $Old{Source} || 'CustomerUser',
                ID        => $Old{UserLogin},
                UserLogin => $New{UserLogin} // $Old{UserLogin},
                UserID    => $Param{UserID},
            );
            return $Self->_Failed( $Report, $Action, 'CustomerUserUpdate' ) if !$Success;
            $Self->_Track( $Type, $ID, \%OldUser, \%New );

            # A login rename does not move the relation rows: move them.
            if ( defined $New{UserLogin} && $New{UserLogin} ne $Old{UserLogin} ) {
                $Self->_MembershipsMove(
                    From   => $Old{UserLogin},
                    To     => $New{UserLogin},
                    Report => $Report,
                    Action => $Action,
                    UserID => $Param{UserID},
                );
            }
            $Report->{counts}->{ $Type eq 'invalidate' ? 'invalidated' : 'updated' }++;
        }
        elsif ( @{ $Action->{memberships_add} || [] } || @{ $Action->{memberships_remove} || [] } ) {
            $Report->{counts}->{updated}++;
        }
        $Self->_Memberships(
            Login  => $New{UserLogin} // $Old{UserLogin},
            Action => $Action,
            Report => $Report,
            UserID => $Param{UserID},
        );
        return 1;
    }

    if ( $Type eq 'delete' ) {
        my $Login = $Action->{login} // $ID;
        return if $Self->_SkipUsedByTickets(
            Report => $Report,
            ID     => $ID,
            Search => { CustomerUserLoginRaw => $Login },
        );
        my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
        for my $SQL (
            'DELETE FROM customer_user_customer WHERE user_id = ?',
            'DELETE FROM customer_preferences WHERE user_id = ?',
            'DELETE FROM customer_user WHERE login = ?',
            )
        {
            if ( !$DBObject->Do( SQL => $SQL, Bind => [ \$Login ] ) ) {
                return $Self->_Failed( $Report, $Action, 'DELETE customer_user' );
            }
        }

        # OTRS has no API to delete a customer user: clear what the API would have cleared.
        $CustomerUserObject->CustomerUserCacheClear( UserLogin => $Login );
        my $CacheObject = $Kernel::OM->Get('Kernel::System::Cache');
        for my $CacheType (
            qw(CustomerUser_CustomerSearch CustomerUser_CustomerIDList CustomerUser_CustomerSearchDetail CustomerUser)
            )
        {
            $CacheObject->CleanUp( Type => $CacheType );
        }
        push @{ $Self->{Applied}->{deleted} }, $ID;
        $Report->{counts}->{deleted}++;
        return 1;
    }

    return $Self->_Failed( $Report, $Action, 'plan', "unknown action '$Type'" );
}

sub _Memberships {
    my ( $Self, %Param ) = @_;

    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $Action             = $Param{Action};
    ADD:
    for my $CustomerID ( @{ $Action->{memberships_add} || [] } ) {
        my $Success = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{Login},
            CustomerID     => $CustomerID,
            Active         => 1,
            UserID         => $Param{UserID},
        );
        if ( !$Success ) {
            $Self->_Failed( $Param{Report}, $Action, "CustomerUserCustomerMemberAdd($CustomerID)" );
            next ADD;
        }
        $Param{Report}->{counts}->{memberships_added}++;
    }
    REMOVE:
    for my $CustomerID ( @{ $Action->{memberships_remove} || [] } ) {

        # Without Active the call removes the relation.
        my $Success = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{Login},
            CustomerID     => $CustomerID,
            UserID         => $Param{UserID},
        );
        if ( !$Success ) {
            $Self->_Failed( $Param{Report}, $Action, "CustomerUserCustomerMemberAdd($CustomerID, remove)" );
            next REMOVE;
        }
        $Param{Report}->{counts}->{memberships_removed}++;
    }
    return 1;
}

sub _MembershipsMove {
    my ( $Self, %Param ) = @_;

    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my @CustomerIDs        = $CustomerUserObject->CustomerUserCustomerMemberList( CustomerUserID => $Param{From} );
    MEMBERSHIP:
    for my $CustomerID (@CustomerIDs) {
        my $Added = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{To},
            CustomerID     => $CustomerID,
            Active         => 1,
            UserID         => $Param{UserID},
        );
        if ( !$Added ) {
            $Self->_Failed( $Param{Report}, $Param{Action}, "moving membership $CustomerID to the new login" );
            next MEMBERSHIP;
        }
        $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{From},
            CustomerID     => $CustomerID,
            UserID         => $Param{UserID},
        );
    }
    return 1;
}

# Merges plan changes into a Get hash. ValidIDInvalidTemporarily is never reset,
# whatever the plan says.
sub _Merge {
    my ( $Self, $Old, $Changes ) = @_;

    my %New = map { $_ => $Old->{$_} } grep { !$NotWritable{$_} && !ref $Old->{$_} } keys %{$Old};
    CHANGE:
    for my $Key ( sort keys %{$Changes} ) {
        next CHANGE if $Key eq 'ValidID' && ( $Old->{ValidID} // 0 ) == ValidIDInvalidTemporarily;
        $New{$Key} = $Changes->{$Key};
    }
    return %New;
}

# A record that tickets still use is not deleted: it goes to the report's skipped
# list. Returns the number of those tickets (0: the record may be deleted).
sub _SkipUsedByTickets {
    my ( $Self, %Param ) = @_;

    my $Tickets = $Kernel::OM->Get('Kernel::System::Ticket')->TicketSearch(
        %{ $Param{Search} },
        Result       => 'COUNT',
        ArchiveFlags => [ 'y', 'n' ],
        UserID       => 1,
    ) || 0;
    return 0 if !$Tickets;

    push @{ $Param{Report}->{skipped} }, {
        id     => $Param{ID},
        reason => "not deleted: still used by $Tickets ticket(s)",
    };
    return $Tickets;
}

# Remembers which records this run set invalid or valid again.
sub _Track {
    my ( $Self, $Type, $ID, $Old, $New ) = @_;

    if ( $Type eq 'invalidate' ) {
        push @{ $Self->{Applied}->{invalidated} }, $ID;
    }
    elsif ( ( $Old->{ValidID} // 0 ) != ValidIDValid && ( $New->{ValidID} // 0 ) == ValidIDValid ) {
        push @{ $Self->{Applied}->{revalidated} }, $ID;
    }
    return 1;
}

# Opens a transaction for the next records: returns what the other _Batch*
# functions need (the savepoint statements, whether the transaction is ours,
# what the report held before, to undo its counts if the commit fails), or undef
# where records are committed one by one (database type without savepoints, no
# handle). Inside a transaction of the caller (OTRS unit tests) only savepoints
# are used.
sub _BatchBegin {
    my ( $Self, %Param ) = @_;

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    my $SQL      = $SavepointSQL{ $DBObject->{'DB::Type'} // '' };
    return if !$SQL;
    return if !$DBObject->Connect() || !$DBObject->{dbh};

    my $Own = $DBObject->{dbh}->{AutoCommit} ? 1 : 0;
    return if $Own && !eval { $DBObject->{dbh}->begin_work() };

    my $Report = $Param{Report};
    return {
        SQL     => $SQL,
        Own     => $Own,
        Actions => [],
        Counts  => { %{ $Report->{counts} } },
        Failed  => scalar @{ $Report->{failed} },
        Applied => { map { $_ => scalar @{ $Self->{Applied}->{$_} } } keys %{ $Self->{Applied} } },
    };
}

sub _BatchRecordBegin {
    my ( $Self, $Batch ) = @_;

    return if !$Batch;
    $Kernel::OM->Get('Kernel::System::DB')->Do( SQL => sprintf( $Batch->{SQL}->[0], 'salesforce_record' ) );
    return;
}

# After one record: a record that failed is rolled back to its savepoint (in
# PostgreSQL a failed statement aborts the whole transaction otherwise).
sub _BatchRecordEnd {
    my ( $Self, $Batch, $Action, $Ok ) = @_;

    return if !$Batch;
    push @{ $Batch->{Actions} }, $Action;
    my $Statement = $Ok ? $Batch->{SQL}->[2] : $Batch->{SQL}->[1];
    return if !$Statement;
    $Kernel::OM->Get('Kernel::System::DB')->Do( SQL => sprintf( $Statement, 'salesforce_record' ) );
    return;
}

# Commits the records of a batch. When the commit fails, nothing of the batch
# is in OTRS: its counts are undone and each of its records is reported failed
# (the next run plans them again); caches are cleared.
sub _BatchCommit {
    my ( $Self, $Batch, %Param ) = @_;

    return 1 if !$Batch || !$Batch->{Own};
    my $DBH = $Kernel::OM->Get('Kernel::System::DB')->{dbh};
    return 1 if eval { $DBH->commit() };

    my $Reason = ( $DBH && $DBH->errstr() ) || $@ || 'unknown error';
    eval { $DBH->rollback() };
    my $Report = $Param{Report};
    $Report->{counts} = $Batch->{Counts};
    splice @{ $Report->{failed} }, $Batch->{Failed};
    for my $Key ( sort keys %{ $Batch->{Applied} } ) {
        splice @{ $Self->{Applied}->{$Key} }, $Batch->{Applied}->{$Key};
    }
    for my $Action ( @{ $Batch->{Actions} } ) {
        push @{ $Report->{failed} }, {
            id     => $Action->{id},
            action => $Action->{action},
            reason => "the database did not commit the transaction of this record and "
                . ( scalar @{ $Batch->{Actions} } - 1 )
                . " others: $Reason",
        };
    }
    $Kernel::OM->Get('Kernel::System::Cache')->CleanUp();
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Message  => 'SalesForce sync: the database did not commit ' . scalar( @{ $Batch->{Actions} } )
            . " records: $Reason. The next run applies them again.",
    );
    return;
}

sub _Failed {
    my ( $Self, $Report, $Action, $Call, $Reason ) = @_;

    if ( !defined $Reason ) {
        $Reason = $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
            Type => 'error',
            What => 'Message',
        ) || 'no reason logged';
    }
    push @{ $Report->{failed} }, {
        id     => $Action->{id},
        action => $Action->{action},
        reason => "$Call failed: $Reason",
    };
    return;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
