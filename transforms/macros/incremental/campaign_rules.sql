{#-
    What a fact takes from the campaign tables, per vendor campaign key (ipSCAPE: the
    record's campaignId; QVoice and CloudAgent: its campaign name): the campaign_id it
    reports under and the reporting zone. A fact table keeps the rules it was built with
    (transform_state.built_campaign_rules) and rebuilds the facts of every campaign whose
    rule changed since: a campaign that got its own zone, a QVoice name the status report
    now gives another id. A fact whose key has no rule reports in its source's zone.
-#}
{% macro campaign_rules() -%}
    select
        campaigns.source_system,
        campaigns.campaign_id as campaign_key,
        campaigns.campaign_id,
        campaigns.timezone
    from {{ ref('campaigns') }} as campaigns
    where campaigns.source_system in ('ipscape', 'cloudagent')
    union all
    select
        'qvoice' as source_system,
        qvoice_campaign_ids.campaign_name as campaign_key,
        qvoice_campaign_ids.campaign_id,
        coalesce(campaigns.timezone, {{ default_timezone("'qvoice'") }}) as timezone
    from {{ ref('qvoice_campaign_ids') }} as qvoice_campaign_ids
    left join {{ ref('campaigns') }} as campaigns
        on
            campaigns.source_system = 'qvoice'
            and qvoice_campaign_ids.campaign_id = campaigns.campaign_id
{%- endmacro %}

{#- (source_system, campaign_key) of the campaigns whose rule changed since this model was built. -#}
{% macro campaigns_with_changed_rules() -%}
    (
        with current_rules as (
            {{ campaign_rules() }}
        ),

        built_rules as (
            select
                source_system,
                campaign_key,
                campaign_id,
                timezone
            from {{ transform_state_schema() }}.built_campaign_rules
            where model = '{{ this.identifier }}'
        ),

        changed as (
            select * from current_rules
            except
            select * from built_rules
            union all
            (
                select * from built_rules
                except
                select * from current_rules
            )
        )

        select distinct
            source_system,
            campaign_key
        from changed
    )
{%- endmacro %}

{#- Post-hook of a fact table: keep the rules it was built with. -#}
{% macro record_campaign_rules() -%}
    delete from {{ transform_state_schema() }}.built_campaign_rules where model = '{{ this.identifier }}';
    insert into {{ transform_state_schema() }}.built_campaign_rules
    select
        '{{ this.identifier }}' as model,
        *
    from ({{ campaign_rules() }})
{%- endmacro %}

{#- The rows of `input` a fact model builds: all of them on a full build; else those
    loaded since its last build and every row of a campaign (named by `campaign_column`)
    in the model's `changed_campaigns`. -#}
{% macro rows_to_rebuild(input, source_system, campaign_column) -%}
    select * from {{ input }}
    {% if is_incremental() %}
        where {{ loaded_since_last_build(input) }}
        union
        select * from {{ input }}
        where {{ campaign_column }} in (
            select changed_campaigns.campaign_key from changed_campaigns
            where changed_campaigns.source_system = '{{ source_system }}'
        )
    {% endif %}
{%- endmacro %}
