-- A work store of schema version 8 on PostGIS, as the release at commit 264b057 created it (WorkStore.create,
-- two patches, two determinations, a rectification, an attachment, a 涉军 mark and the 一上 lock, all through
-- the plugin), dumped with: pg_dump --no-owner --no-privileges --inserts --exclude-table=spatial_ref_sys
-- (psql meta-commands removed). tests/test_migrations.py opens it with today's plugin.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: postgis; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;


--
-- Name: EXTENSION postgis; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION postgis IS 'PostGIS geometry and geography spatial types and functions';


--
-- Name: attachments_audit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.attachments_audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), NEW.added_by, '插件外直接编辑'), 'attachments', NEW.patch_fid, 'insert', json_build_object('id', NEW.id, 'file_name', NEW.file_name, 'kind', NEW.kind, 'size_bytes', NEW.size_bytes, 'sha256', NEW.sha256)::text);
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'attachments', NEW.patch_fid, 'update',
              json_build_object('id', OLD.id, 'file_name', OLD.file_name, 'kind', OLD.kind, 'size_bytes', OLD.size_bytes, 'sha256', OLD.sha256)::text, json_build_object('id', NEW.id, 'file_name', NEW.file_name, 'kind', NEW.kind, 'size_bytes', NEW.size_bytes, 'sha256', NEW.sha256)::text);
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'attachments', OLD.patch_fid, 'delete', json_build_object('id', OLD.id, 'file_name', OLD.file_name, 'kind', OLD.kind, 'size_bytes', OLD.size_bytes, 'sha256', OLD.sha256)::text);
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: audit_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION '%', '修改日志只能追加，不能修改或删除（防篡改记录）';
END
$$;


--
-- Name: audit_seals_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_seals_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION '%', '修改日志封存只能追加，不能修改或删除（防篡改记录）';
END
$$;


--
-- Name: determinations_audit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.determinations_audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), NEW.reviewer, '插件外直接编辑'), 'determinations', NEW.patch_fid, 'insert', json_build_object('result', NEW.result, 'subtype', NEW.subtype, 'basis', NEW.basis, 'doc_numbers', NEW.doc_numbers, 'violation_category', NEW.violation_category, 'violation_type', NEW.violation_type, 'is_nonagri', NEW.is_nonagri, 'is_new_housing', NEW.is_new_housing, 'illegal_m2', NEW.illegal_m2, 'illegal_cultivated_m2', NEW.illegal_cultivated_m2, 'illegal_basic_farmland_m2', NEW.illegal_basic_farmland_m2, 'project_name', NEW.project_name, 'offender', NEW.offender, 'build_time', NEW.build_time, 'from_suggestion', NEW.from_suggestion)::text);
  ELSIF TG_OP = 'UPDATE' THEN
    IF json_build_object('result', OLD.result, 'subtype', OLD.subtype, 'basis', OLD.basis, 'doc_numbers', OLD.doc_numbers, 'violation_category', OLD.violation_category, 'violation_type', OLD.violation_type, 'is_nonagri', OLD.is_nonagri, 'is_new_housing', OLD.is_new_housing, 'illegal_m2', OLD.illegal_m2, 'illegal_cultivated_m2', OLD.illegal_cultivated_m2, 'illegal_basic_farmland_m2', OLD.illegal_basic_farmland_m2, 'project_name', OLD.project_name, 'offender', OLD.offender, 'build_time', OLD.build_time, 'from_suggestion', OLD.from_suggestion)::text IS DISTINCT FROM json_build_object('result', NEW.result, 'subtype', NEW.subtype, 'basis', NEW.basis, 'doc_numbers', NEW.doc_numbers, 'violation_category', NEW.violation_category, 'violation_type', NEW.violation_type, 'is_nonagri', NEW.is_nonagri, 'is_new_housing', NEW.is_new_housing, 'illegal_m2', NEW.illegal_m2, 'illegal_cultivated_m2', NEW.illegal_cultivated_m2, 'illegal_basic_farmland_m2', NEW.illegal_basic_farmland_m2, 'project_name', NEW.project_name, 'offender', NEW.offender, 'build_time', NEW.build_time, 'from_suggestion', NEW.from_suggestion)::text THEN
      INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
        VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), CASE WHEN NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at THEN NEW.reviewer END,
                         '插件外直接编辑' || '（上次保存人：' || coalesce(OLD.reviewer, '') || '）'),
                'determinations', NEW.patch_fid, 'update', json_build_object('result', OLD.result, 'subtype', OLD.subtype, 'basis', OLD.basis, 'doc_numbers', OLD.doc_numbers, 'violation_category', OLD.violation_category, 'violation_type', OLD.violation_type, 'is_nonagri', OLD.is_nonagri, 'is_new_housing', OLD.is_new_housing, 'illegal_m2', OLD.illegal_m2, 'illegal_cultivated_m2', OLD.illegal_cultivated_m2, 'illegal_basic_farmland_m2', OLD.illegal_basic_farmland_m2, 'project_name', OLD.project_name, 'offender', OLD.offender, 'build_time', OLD.build_time, 'from_suggestion', OLD.from_suggestion)::text, json_build_object('result', NEW.result, 'subtype', NEW.subtype, 'basis', NEW.basis, 'doc_numbers', NEW.doc_numbers, 'violation_category', NEW.violation_category, 'violation_type', NEW.violation_type, 'is_nonagri', NEW.is_nonagri, 'is_new_housing', NEW.is_new_housing, 'illegal_m2', NEW.illegal_m2, 'illegal_cultivated_m2', NEW.illegal_cultivated_m2, 'illegal_basic_farmland_m2', NEW.illegal_basic_farmland_m2, 'project_name', NEW.project_name, 'offender', NEW.offender, 'build_time', NEW.build_time, 'from_suggestion', NEW.from_suggestion)::text);
    END IF;
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'determinations', OLD.patch_fid, 'delete', json_build_object('result', OLD.result, 'subtype', OLD.subtype, 'basis', OLD.basis, 'doc_numbers', OLD.doc_numbers, 'violation_category', OLD.violation_category, 'violation_type', OLD.violation_type, 'is_nonagri', OLD.is_nonagri, 'is_new_housing', OLD.is_new_housing, 'illegal_m2', OLD.illegal_m2, 'illegal_cultivated_m2', OLD.illegal_cultivated_m2, 'illegal_basic_farmland_m2', OLD.illegal_basic_farmland_m2, 'project_name', OLD.project_name, 'offender', OLD.offender, 'build_time', OLD.build_time, 'from_suggestion', OLD.from_suggestion)::text);
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: determinations_lock(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.determinations_lock() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7041016);
  IF TG_OP = 'INSERT' THEN
    -- an upsert fires this before it turns into an update: the update judges existing rows
    IF (NEW.result IS NOT NULL OR NEW.subtype IS NOT NULL OR NEW.violation_category IS NOT NULL OR NEW.violation_type IS NOT NULL OR NEW.illegal_m2 IS NOT NULL OR NEW.illegal_cultivated_m2 IS NOT NULL OR NEW.illegal_basic_farmland_m2 IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM determinations WHERE patch_fid = NEW.patch_fid)
       AND weipian_batch_locked((SELECT batch_id FROM patches WHERE fid = NEW.patch_fid)) THEN
      RAISE EXCEPTION '%', '该批次已上报锁定，不能修改（图斑所在批次处于一上/二上锁定状态）';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF (OLD.result IS DISTINCT FROM NEW.result OR OLD.subtype IS DISTINCT FROM NEW.subtype OR OLD.violation_category IS DISTINCT FROM NEW.violation_category OR OLD.violation_type IS DISTINCT FROM NEW.violation_type OR OLD.illegal_m2 IS DISTINCT FROM NEW.illegal_m2 OR OLD.illegal_cultivated_m2 IS DISTINCT FROM NEW.illegal_cultivated_m2 OR OLD.illegal_basic_farmland_m2 IS DISTINCT FROM NEW.illegal_basic_farmland_m2)
       AND weipian_batch_locked((SELECT batch_id FROM patches WHERE fid = OLD.patch_fid)) THEN
      RAISE EXCEPTION '%', '该批次已上报锁定，不能修改（图斑所在批次处于一上/二上锁定状态）';
    END IF;
    RETURN NEW;
  END IF;
  IF weipian_batch_locked((SELECT batch_id FROM patches WHERE fid = OLD.patch_fid)) THEN
    RAISE EXCEPTION '%', '该批次已上报锁定，不能修改（图斑所在批次处于一上/二上锁定状态）';
  END IF;
  RETURN OLD;
END
$$;


--
-- Name: determinations_row_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.determinations_row_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.row_version IS NOT DISTINCT FROM OLD.row_version THEN
    NEW.row_version := OLD.row_version + 1;
  END IF;
  RETURN NEW;
END
$$;


--
-- Name: military_land_audit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.military_land_audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (NEW.marked_by, 'military_land', NEW.patch_fid, 'insert', json_build_object('military', 1, 'military_source', NEW.source, 'military_note', NEW.note)::text);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (OLD.marked_by, 'military_land', OLD.patch_fid, 'delete', json_build_object('military', 1, 'military_source', OLD.source, 'military_note', OLD.note)::text);
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: owner_attachments_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.owner_attachments_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  DELETE FROM attachments WHERE owner = TG_ARGV[0] AND owner_id = OLD.fid;
  RETURN NULL;
END
$$;


--
-- Name: patches_audit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.patches_audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.geom IS DISTINCT FROM NEW.geom OR OLD.jcbh IS DISTINCT FROM NEW.jcbh OR OLD.batch_id IS DISTINCT FROM NEW.batch_id OR OLD.area_m2 IS DISTINCT FROM NEW.area_m2 OR OLD.area_mu IS DISTINCT FROM NEW.area_mu OR OLD.jcmj_m2 IS DISTINCT FROM NEW.jcmj_m2 OR OLD.tblx IS DISTINCT FROM NEW.tblx OR OLD.qsx IS DISTINCT FROM NEW.qsx OR OLD.hsx IS DISTINCT FROM NEW.hsx OR OLD.xzqdm IS DISTINCT FROM NEW.xzqdm THEN
      INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
        VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'patches', NEW.fid, 'update',
                json_build_object('jcbh', OLD.jcbh, 'batch_id', OLD.batch_id, 'area_m2', OLD.area_m2, 'area_mu', OLD.area_mu, 'jcmj_m2', OLD.jcmj_m2, 'tblx', OLD.tblx, 'qsx', OLD.qsx, 'hsx', OLD.hsx, 'xzqdm', OLD.xzqdm, 'geom', encode(ST_AsBinary(OLD.geom), 'hex'))::text,
                json_build_object('jcbh', NEW.jcbh, 'batch_id', NEW.batch_id, 'area_m2', NEW.area_m2, 'area_mu', NEW.area_mu, 'jcmj_m2', NEW.jcmj_m2, 'tblx', NEW.tblx, 'qsx', NEW.qsx, 'hsx', NEW.hsx, 'xzqdm', NEW.xzqdm,
                                  'geom_changed', (OLD.geom IS DISTINCT FROM NEW.geom)::integer)::text);
    END IF;
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'patches', OLD.fid, 'delete',
              json_build_object('jcbh', OLD.jcbh, 'batch_id', OLD.batch_id, 'area_m2', OLD.area_m2, 'area_mu', OLD.area_mu, 'jcmj_m2', OLD.jcmj_m2, 'tblx', OLD.tblx, 'qsx', OLD.qsx, 'hsx', OLD.hsx, 'xzqdm', OLD.xzqdm, 'geom', encode(ST_AsBinary(OLD.geom), 'hex'))::text);
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: patches_lock(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.patches_lock() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF weipian_batch_locked(NEW.batch_id) THEN RAISE EXCEPTION '%', '该批次已上报锁定，图斑的几何和编号等不能修改、删除或新增'; END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF (OLD.geom IS DISTINCT FROM NEW.geom OR OLD.jcbh IS DISTINCT FROM NEW.jcbh OR OLD.batch_id IS DISTINCT FROM NEW.batch_id OR OLD.area_m2 IS DISTINCT FROM NEW.area_m2 OR OLD.area_mu IS DISTINCT FROM NEW.area_mu OR OLD.jcmj_m2 IS DISTINCT FROM NEW.jcmj_m2 OR OLD.tblx IS DISTINCT FROM NEW.tblx OR OLD.qsx IS DISTINCT FROM NEW.qsx OR OLD.hsx IS DISTINCT FROM NEW.hsx OR OLD.xzqdm IS DISTINCT FROM NEW.xzqdm) AND (weipian_batch_locked(OLD.batch_id) OR weipian_batch_locked(NEW.batch_id)) THEN
      RAISE EXCEPTION '%', '该批次已上报锁定，图斑的几何和编号等不能修改、删除或新增';
    END IF;
    RETURN NEW;
  END IF;
  IF weipian_batch_locked(OLD.batch_id) THEN RAISE EXCEPTION '%', '该批次已上报锁定，图斑的几何和编号等不能修改、删除或新增'; END IF;
  RETURN OLD;
END
$$;


--
-- Name: rectifications_audit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rectifications_audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), NEW.updated_by, '插件外直接编辑'), 'rectifications', NEW.patch_fid, 'insert', json_build_object('case_filed', NEW.case_filed, 'case_date', NEW.case_date, 'case_number', NEW.case_number, 'no_case_reason', NEW.no_case_reason, 'penalty_decision', NEW.penalty_decision, 'fine_yuan', NEW.fine_yuan, 'demolished_m2', NEW.demolished_m2, 'restored_m2', NEW.restored_m2, 'supplement_doc', NEW.supplement_doc, 'supplement_m2', NEW.supplement_m2, 'supplement_cultivated_m2', NEW.supplement_cultivated_m2, 'confiscated_m2', NEW.confiscated_m2, 'transfer_department', NEW.transfer_department, 'transfer_date', NEW.transfer_date, 'closed_date', NEW.closed_date, 'writeoff_status', NEW.writeoff_status, 'writeoff_date', NEW.writeoff_date, 'writeoff_person', NEW.writeoff_person, 'writeoff_reason', NEW.writeoff_reason, 'restored_cultivated_m2', NEW.restored_cultivated_m2, 'referral_agency', NEW.referral_agency, 'referral_date', NEW.referral_date, 'referral_number', NEW.referral_number)::text);
  ELSIF TG_OP = 'UPDATE' THEN
    IF json_build_object('case_filed', OLD.case_filed, 'case_date', OLD.case_date, 'case_number', OLD.case_number, 'no_case_reason', OLD.no_case_reason, 'penalty_decision', OLD.penalty_decision, 'fine_yuan', OLD.fine_yuan, 'demolished_m2', OLD.demolished_m2, 'restored_m2', OLD.restored_m2, 'supplement_doc', OLD.supplement_doc, 'supplement_m2', OLD.supplement_m2, 'supplement_cultivated_m2', OLD.supplement_cultivated_m2, 'confiscated_m2', OLD.confiscated_m2, 'transfer_department', OLD.transfer_department, 'transfer_date', OLD.transfer_date, 'closed_date', OLD.closed_date, 'writeoff_status', OLD.writeoff_status, 'writeoff_date', OLD.writeoff_date, 'writeoff_person', OLD.writeoff_person, 'writeoff_reason', OLD.writeoff_reason, 'restored_cultivated_m2', OLD.restored_cultivated_m2, 'referral_agency', OLD.referral_agency, 'referral_date', OLD.referral_date, 'referral_number', OLD.referral_number)::text IS DISTINCT FROM json_build_object('case_filed', NEW.case_filed, 'case_date', NEW.case_date, 'case_number', NEW.case_number, 'no_case_reason', NEW.no_case_reason, 'penalty_decision', NEW.penalty_decision, 'fine_yuan', NEW.fine_yuan, 'demolished_m2', NEW.demolished_m2, 'restored_m2', NEW.restored_m2, 'supplement_doc', NEW.supplement_doc, 'supplement_m2', NEW.supplement_m2, 'supplement_cultivated_m2', NEW.supplement_cultivated_m2, 'confiscated_m2', NEW.confiscated_m2, 'transfer_department', NEW.transfer_department, 'transfer_date', NEW.transfer_date, 'closed_date', NEW.closed_date, 'writeoff_status', NEW.writeoff_status, 'writeoff_date', NEW.writeoff_date, 'writeoff_person', NEW.writeoff_person, 'writeoff_reason', NEW.writeoff_reason, 'restored_cultivated_m2', NEW.restored_cultivated_m2, 'referral_agency', NEW.referral_agency, 'referral_date', NEW.referral_date, 'referral_number', NEW.referral_number)::text THEN
      INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
        VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_by END,
                         '插件外直接编辑' || '（上次保存人：' || coalesce(OLD.updated_by, '') || '）'),
                'rectifications', NEW.patch_fid, 'update', json_build_object('case_filed', OLD.case_filed, 'case_date', OLD.case_date, 'case_number', OLD.case_number, 'no_case_reason', OLD.no_case_reason, 'penalty_decision', OLD.penalty_decision, 'fine_yuan', OLD.fine_yuan, 'demolished_m2', OLD.demolished_m2, 'restored_m2', OLD.restored_m2, 'supplement_doc', OLD.supplement_doc, 'supplement_m2', OLD.supplement_m2, 'supplement_cultivated_m2', OLD.supplement_cultivated_m2, 'confiscated_m2', OLD.confiscated_m2, 'transfer_department', OLD.transfer_department, 'transfer_date', OLD.transfer_date, 'closed_date', OLD.closed_date, 'writeoff_status', OLD.writeoff_status, 'writeoff_date', OLD.writeoff_date, 'writeoff_person', OLD.writeoff_person, 'writeoff_reason', OLD.writeoff_reason, 'restored_cultivated_m2', OLD.restored_cultivated_m2, 'referral_agency', OLD.referral_agency, 'referral_date', OLD.referral_date, 'referral_number', OLD.referral_number)::text, json_build_object('case_filed', NEW.case_filed, 'case_date', NEW.case_date, 'case_number', NEW.case_number, 'no_case_reason', NEW.no_case_reason, 'penalty_decision', NEW.penalty_decision, 'fine_yuan', NEW.fine_yuan, 'demolished_m2', NEW.demolished_m2, 'restored_m2', NEW.restored_m2, 'supplement_doc', NEW.supplement_doc, 'supplement_m2', NEW.supplement_m2, 'supplement_cultivated_m2', NEW.supplement_cultivated_m2, 'confiscated_m2', NEW.confiscated_m2, 'transfer_department', NEW.transfer_department, 'transfer_date', NEW.transfer_date, 'closed_date', NEW.closed_date, 'writeoff_status', NEW.writeoff_status, 'writeoff_date', NEW.writeoff_date, 'writeoff_person', NEW.writeoff_person, 'writeoff_reason', NEW.writeoff_reason, 'restored_cultivated_m2', NEW.restored_cultivated_m2, 'referral_agency', NEW.referral_agency, 'referral_date', NEW.referral_date, 'referral_number', NEW.referral_number)::text);
    END IF;
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce(coalesce((SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\_%')), nullif(current_setting('weipian.actor', true), '')), '插件外直接编辑'), 'rectifications', OLD.patch_fid, 'delete', json_build_object('case_filed', OLD.case_filed, 'case_date', OLD.case_date, 'case_number', OLD.case_number, 'no_case_reason', OLD.no_case_reason, 'penalty_decision', OLD.penalty_decision, 'fine_yuan', OLD.fine_yuan, 'demolished_m2', OLD.demolished_m2, 'restored_m2', OLD.restored_m2, 'supplement_doc', OLD.supplement_doc, 'supplement_m2', OLD.supplement_m2, 'supplement_cultivated_m2', OLD.supplement_cultivated_m2, 'confiscated_m2', OLD.confiscated_m2, 'transfer_department', OLD.transfer_department, 'transfer_date', OLD.transfer_date, 'closed_date', OLD.closed_date, 'writeoff_status', OLD.writeoff_status, 'writeoff_date', OLD.writeoff_date, 'writeoff_person', OLD.writeoff_person, 'writeoff_reason', OLD.writeoff_reason, 'restored_cultivated_m2', OLD.restored_cultivated_m2, 'referral_agency', OLD.referral_agency, 'referral_date', OLD.referral_date, 'referral_number', OLD.referral_number)::text);
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: rectifications_row_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rectifications_row_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.row_version IS NOT DISTINCT FROM OLD.row_version THEN
    NEW.row_version := OLD.row_version + 1;
  END IF;
  RETURN NEW;
END
$$;


--
-- Name: stage_events_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.stage_events_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION '%', '上报阶段记录只能追加，不能修改或删除（防篡改记录）';
END
$$;


--
-- Name: weipian_audit_order(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weipian_audit_order() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7041016);
  RETURN NULL;
END
$$;


--
-- Name: weipian_audit_seal(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weipian_audit_seal() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE previous text;
BEGIN
  SELECT hash INTO previous FROM audit_seals ORDER BY audit_id DESC LIMIT 1;
  INSERT INTO audit_seals (audit_id, hash, sealed_at)
    VALUES (NEW.id, encode(sha256(convert_to(coalesce(previous, '') || weipian_audit_text(NEW), 'UTF8')), 'hex'),
            to_char(localtimestamp, 'YYYY-MM-DD"T"HH24:MI:SS'));
  RETURN NULL;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id integer NOT NULL,
    at text DEFAULT to_char(LOCALTIMESTAMP, 'YYYY-MM-DD"T"HH24:MI:SS'::text) NOT NULL,
    actor text,
    table_name text NOT NULL,
    patch_fid integer,
    action text NOT NULL,
    old_values text,
    new_values text
);


--
-- Name: weipian_audit_text(public.audit_log); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weipian_audit_text(a public.audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT json_build_array(a.id, a.at, a.actor, a.table_name, a.patch_fid, a.action, a.old_values, a.new_values)::text
$$;


--
-- Name: weipian_batch_locked(integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weipian_batch_locked(batch integer) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce((SELECT locks = 1 FROM stage_events WHERE batch_id = batch ORDER BY id DESC LIMIT 1), false)
$$;


--
-- Name: weipian_iso_date(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weipian_iso_date(value text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
BEGIN
  RETURN value ~ '^\d{4}-\d{2}-\d{2}$' AND to_char(value::date, 'YYYY-MM-DD') = value;
EXCEPTION WHEN others THEN
  RETURN false;
END $_$;


--
-- Name: analysis; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analysis (
    patch_fid integer NOT NULL,
    analyzed_at text,
    layers text,
    approved_m2 double precision,
    supplied_m2 double precision,
    registered_m2 double precision,
    cultivated_m2 double precision,
    uncovered_cultivated_m2 double precision,
    basic_farmland_m2 double precision,
    eco_redline_m2 double precision,
    mining_m2 double precision,
    facility_m2 double precision,
    temporary_m2 double precision,
    construction_before_m2 double precision,
    dominant_dlbm text,
    suggestion text,
    suggestion_type text,
    suggestion_reason text,
    basis text,
    involves_basic_farmland integer,
    involves_eco_redline integer,
    involves_mining integer,
    new_or_stock text,
    new_construction_m2 double precision,
    stock_construction_m2 double precision,
    uncovered_m2 double precision,
    comparison_date text,
    mining_suggestion text,
    mining_suggestion_type text,
    mining_suggestion_reason text,
    new_housing integer,
    other_legal_m2 double precision,
    advance_m2 double precision,
    nature_reserve_m2 double precision
);


--
-- Name: analysis_classes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analysis_classes (
    patch_fid integer NOT NULL,
    dlbm text,
    dlmc text,
    area_m2 double precision NOT NULL,
    cultivated_m2 double precision DEFAULT 0 NOT NULL
);


--
-- Name: analysis_features; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analysis_features (
    patch_fid integer NOT NULL,
    role text NOT NULL,
    doc_number text,
    doc_date text,
    valid_from text,
    valid_to text,
    share double precision,
    area_m2 double precision,
    name text,
    kind text,
    valid integer
);


--
-- Name: analysis_run_layers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analysis_run_layers (
    run_id integer NOT NULL,
    role text NOT NULL,
    path text NOT NULL,
    layer text DEFAULT ''::text NOT NULL,
    size bigint,
    modified_at text,
    checksum text,
    crs text,
    feature_count integer,
    read_count integer,
    repaired integer,
    cached integer NOT NULL,
    registered_at text
);


--
-- Name: analysis_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analysis_runs (
    id integer NOT NULL,
    started_at text NOT NULL,
    finished_at text NOT NULL,
    batch text,
    patches integer NOT NULL,
    settings text NOT NULL
);


--
-- Name: analysis_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.analysis_runs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: analysis_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.analysis_runs_id_seq OWNED BY public.analysis_runs.id;


--
-- Name: attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attachments (
    id integer NOT NULL,
    owner text NOT NULL,
    owner_id integer NOT NULL,
    patch_fid integer,
    file_name text NOT NULL,
    mime_type text,
    kind text,
    added_at text,
    added_by text,
    taken_at text,
    longitude double precision,
    latitude double precision,
    bearing double precision,
    size_bytes bigint,
    sha256 text,
    data bytea NOT NULL,
    CONSTRAINT attachments_check CHECK (((owner = 'patch'::text) = (patch_fid IS NOT NULL))),
    CONSTRAINT attachments_check1 CHECK (((owner <> 'patch'::text) OR (patch_fid = owner_id))),
    CONSTRAINT attachments_owner_check CHECK ((owner = ANY (ARRAY['patch'::text, 'finding'::text, 'clue'::text])))
);


--
-- Name: attachments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.attachments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: attachments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.attachments_id_seq OWNED BY public.attachments.id;


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: audit_seals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_seals (
    audit_id integer NOT NULL,
    hash text NOT NULL,
    sealed_at text NOT NULL
);


--
-- Name: batches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.batches (
    id integer NOT NULL,
    name text NOT NULL,
    received_date text,
    file_name text,
    checksum text,
    encoding text,
    encoding_source text,
    source_epsg integer,
    crs_source text,
    field_map text,
    area_unit text,
    imported_at text,
    patch_count integer DEFAULT 0 NOT NULL,
    reject_count integer DEFAULT 0 NOT NULL
);


--
-- Name: batches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.batches_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: batches_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.batches_id_seq OWNED BY public.batches.id;


--
-- Name: change_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.change_types (
    code text NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    rule text NOT NULL,
    cultivated_result text DEFAULT '待核'::text NOT NULL,
    sort integer DEFAULT 0 NOT NULL,
    CONSTRAINT change_types_cultivated_result_check CHECK ((cultivated_result = ANY (ARRAY['待核'::text, '违法'::text])))
);


--
-- Name: clues; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.clues (
    fid integer NOT NULL,
    geom public.geometry(Geometry,4527),
    clue_no text NOT NULL,
    source text NOT NULL,
    source_detail text,
    received_at text,
    township text,
    location text,
    description text,
    land_m2 double precision,
    cultivated_m2 double precision,
    basic_farmland_m2 double precision,
    is_mining integer DEFAULT 0 NOT NULL,
    major integer DEFAULT 0 NOT NULL,
    started text,
    discovered text NOT NULL,
    stop_notice text,
    reported text,
    major_reported text,
    filed text,
    closed text,
    extension_workdays integer DEFAULT 0 NOT NULL,
    updated_at text,
    CONSTRAINT clues_basic_farmland_m2_check CHECK (((basic_farmland_m2 IS NULL) OR (basic_farmland_m2 >= (0)::double precision))),
    CONSTRAINT clues_closed_check CHECK (((closed IS NULL) OR public.weipian_iso_date(closed))),
    CONSTRAINT clues_cultivated_m2_check CHECK (((cultivated_m2 IS NULL) OR (cultivated_m2 >= (0)::double precision))),
    CONSTRAINT clues_discovered_check CHECK (((discovered IS NULL) OR public.weipian_iso_date(discovered))),
    CONSTRAINT clues_extension_workdays_check CHECK ((extension_workdays >= 0)),
    CONSTRAINT clues_filed_check CHECK (((filed IS NULL) OR public.weipian_iso_date(filed))),
    CONSTRAINT clues_land_m2_check CHECK (((land_m2 IS NULL) OR (land_m2 >= (0)::double precision))),
    CONSTRAINT clues_major_reported_check CHECK (((major_reported IS NULL) OR public.weipian_iso_date(major_reported))),
    CONSTRAINT clues_reported_check CHECK (((reported IS NULL) OR public.weipian_iso_date(reported))),
    CONSTRAINT clues_source_check CHECK ((source = ANY (ARRAY['巡查'::text, '12336'::text, '微信'::text, '其他'::text]))),
    CONSTRAINT clues_started_check CHECK (((started IS NULL) OR public.weipian_iso_date(started))),
    CONSTRAINT clues_stop_notice_check CHECK (((stop_notice IS NULL) OR public.weipian_iso_date(stop_notice)))
);


--
-- Name: clues_fid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.clues_fid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: clues_fid_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.clues_fid_seq OWNED BY public.clues.fid;


--
-- Name: code_lists; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.code_lists (
    list text NOT NULL,
    code text NOT NULL,
    label text NOT NULL,
    parent text DEFAULT ''::text NOT NULL,
    sort integer DEFAULT 0 NOT NULL
);


--
-- Name: determinations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.determinations (
    patch_fid integer NOT NULL,
    result text,
    subtype text,
    basis text,
    doc_numbers text,
    violation_category text,
    violation_type text,
    is_nonagri integer,
    is_new_housing integer,
    illegal_m2 double precision,
    illegal_cultivated_m2 double precision,
    illegal_basic_farmland_m2 double precision,
    project_name text,
    offender text,
    build_time text,
    from_suggestion integer DEFAULT 0 NOT NULL,
    reviewer text,
    reviewed_at text,
    row_version integer DEFAULT 1 NOT NULL,
    CONSTRAINT determinations_check CHECK (((illegal_cultivated_m2 IS NULL) OR (illegal_m2 IS NULL) OR (illegal_cultivated_m2 <= (illegal_m2 + (0.000001)::double precision))))
);


--
-- Name: interviews; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.interviews (
    id integer NOT NULL,
    township_code text,
    township text NOT NULL,
    interview_date text NOT NULL,
    interviewees text NOT NULL,
    interviewer text,
    reason text,
    minutes_name text,
    minutes_data bytea,
    recorded_by text,
    recorded_at text,
    CONSTRAINT interviews_interview_date_check CHECK (((interview_date IS NULL) OR public.weipian_iso_date(interview_date)))
);


--
-- Name: interviews_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.interviews_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: interviews_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.interviews_id_seq OWNED BY public.interviews.id;


--
-- Name: military_land; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.military_land (
    patch_fid integer NOT NULL,
    source text NOT NULL,
    note text,
    marked_by text,
    marked_at text,
    CONSTRAINT military_land_source_check CHECK ((source = ANY (ARRAY['手工'::text, '图层'::text])))
);


--
-- Name: patches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.patches (
    fid integer NOT NULL,
    geom public.geometry(MultiPolygon,4527),
    batch_id integer NOT NULL,
    jcbh text NOT NULL,
    xzqdm text,
    xmc text,
    tblx text,
    qsx text,
    hsx text,
    jcmj_m2 double precision,
    tz text,
    sfyn text,
    sfhx text,
    dlbm text,
    area_m2 double precision NOT NULL,
    area_mu double precision NOT NULL,
    geom_repaired integer DEFAULT 0 NOT NULL,
    source_row integer,
    source_attrs text,
    parent_fid integer,
    split_state text DEFAULT ''::text NOT NULL,
    township_code text,
    township_name text,
    due_date text,
    imported_at text,
    updated_at text,
    review_note text
);


--
-- Name: rectifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rectifications (
    patch_fid integer NOT NULL,
    case_filed integer,
    case_date text,
    case_number text,
    no_case_reason text,
    penalty_decision text,
    fine_yuan double precision,
    demolished_m2 double precision,
    restored_m2 double precision,
    supplement_doc text,
    supplement_m2 double precision,
    supplement_cultivated_m2 double precision,
    confiscated_m2 double precision,
    transfer_department text,
    transfer_date text,
    closed_date text,
    writeoff_status text,
    writeoff_date text,
    writeoff_person text,
    writeoff_reason text,
    updated_by text,
    updated_at text,
    restored_cultivated_m2 double precision,
    referral_agency text,
    referral_date text,
    referral_number text,
    row_version integer DEFAULT 1 NOT NULL,
    CONSTRAINT rectifications_referral_date_check CHECK (((referral_date IS NULL) OR public.weipian_iso_date(referral_date))),
    CONSTRAINT rectifications_restored_cultivated_m2_check CHECK (((restored_cultivated_m2 IS NULL) OR (restored_cultivated_m2 >= (0)::double precision)))
);


--
-- Name: patch_status; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.patch_status AS
 SELECT p.fid,
    p.batch_id,
    b.name AS batch,
    p.jcbh,
    p.township_code,
    p.township_name AS township,
    p.area_m2,
    p.area_mu,
    p.split_state,
    p.due_date,
    d.result,
    d.subtype,
    d.illegal_m2,
    d.illegal_cultivated_m2,
    d.illegal_basic_farmland_m2,
        CASE
            WHEN (d.result = '违法'::text) THEN GREATEST((0.0)::double precision, (((COALESCE(d.illegal_m2, p.area_m2) - GREATEST(COALESCE(r.demolished_m2, (0.0)::double precision), COALESCE(r.restored_m2, (0.0)::double precision))) - COALESCE(r.supplement_m2, (0.0)::double precision)) - COALESCE(r.confiscated_m2, (0.0)::double precision)))
            ELSE (0.0)::double precision
        END AS remaining_m2,
        CASE
            WHEN (p.split_state = '被拆分'::text) THEN '被拆分'::text
            WHEN ((d.result IS NULL) OR (d.result = ''::text)) THEN '未判定'::text
            WHEN (d.result <> '违法'::text) THEN '已判定'::text
            WHEN (r.writeoff_status = '已销号'::text) THEN '已销号'::text
            WHEN (GREATEST((0.0)::double precision, (((COALESCE(d.illegal_m2, p.area_m2) - GREATEST(COALESCE(r.demolished_m2, (0.0)::double precision), COALESCE(r.restored_m2, (0.0)::double precision))) - COALESCE(r.supplement_m2, (0.0)::double precision)) - COALESCE(r.confiscated_m2, (0.0)::double precision))) <= (0.005)::double precision) THEN '已整改'::text
            WHEN ((r.case_filed IS NOT NULL) OR (r.case_number IS NOT NULL) OR (r.demolished_m2 > (0)::double precision) OR (r.restored_m2 > (0)::double precision) OR (r.supplement_m2 > (0)::double precision) OR (r.confiscated_m2 > (0)::double precision) OR (r.transfer_department IS NOT NULL)) THEN '整改中'::text
            ELSE '未整改'::text
        END AS status,
        CASE
            WHEN (((d.result IS NULL) OR (d.result = ''::text)) AND (p.split_state <> '被拆分'::text) AND (p.due_date IS NOT NULL) AND (p.due_date < to_char((CURRENT_DATE)::timestamp with time zone, 'YYYY-MM-DD'::text))) THEN 1
            ELSE 0
        END AS overdue,
        CASE
            WHEN (m.patch_fid IS NULL) THEN 0
            ELSE 1
        END AS military,
        CASE
            WHEN (COALESCE(
            CASE
                WHEN ((d.result = '违法'::text) AND (COALESCE(d.violation_category, '新增'::text) = '新增'::text)) THEN d.illegal_cultivated_m2
                ELSE NULL::double precision
            END,
            CASE
                WHEN ((COALESCE(d.result, ''::text) = ''::text) AND (a.suggestion = '违法'::text)) THEN a.cultivated_m2
                ELSE NULL::double precision
            END, (0.0)::double precision) >= (((((50)::numeric * 2000.0) / (3)::numeric) - 0.000001))::double precision) THEN 1
            ELSE 0
        END AS field_check
   FROM (((((public.patches p
     JOIN public.batches b ON ((b.id = p.batch_id)))
     LEFT JOIN public.determinations d ON ((d.patch_fid = p.fid)))
     LEFT JOIN public.rectifications r ON ((r.patch_fid = p.fid)))
     LEFT JOIN public.analysis a ON ((a.patch_fid = p.fid)))
     LEFT JOIN public.military_land m ON ((m.patch_fid = p.fid)));


--
-- Name: patch_analysis; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.patch_analysis AS
 SELECT p.fid,
    p.geom,
    s.batch,
    p.jcbh,
    p.tblx,
    p.qsx,
    p.hsx,
    s.township_code,
    s.township,
    p.area_m2,
    p.area_mu,
    a.basic_farmland_m2,
    a.approved_m2,
    a.supplied_m2,
    a.registered_m2,
    a.other_legal_m2,
    a.advance_m2,
    a.facility_m2,
    a.temporary_m2,
    a.mining_m2,
    a.eco_redline_m2,
    a.nature_reserve_m2,
    a.cultivated_m2,
    a.construction_before_m2,
    a.new_construction_m2,
    a.stock_construction_m2,
    a.uncovered_m2,
    a.dominant_dlbm,
    a.comparison_date,
    a.suggestion,
    a.suggestion_type,
    a.suggestion_reason,
    a.mining_suggestion,
    a.mining_suggestion_type,
    a.mining_suggestion_reason,
    a.involves_basic_farmland,
    a.involves_eco_redline,
    a.involves_mining,
    a.new_housing,
    a.new_or_stock,
    s.result AS determination,
    s.subtype AS determination_type,
    s.status,
    s.remaining_m2,
    s.overdue,
    s.due_date,
    s.split_state,
    s.military,
    s.field_check
   FROM ((public.patches p
     JOIN public.patch_status s ON ((s.fid = p.fid)))
     LEFT JOIN public.analysis a ON ((a.patch_fid = p.fid)));


--
-- Name: patches_fid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.patches_fid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: patches_fid_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.patches_fid_seq OWNED BY public.patches.fid;


--
-- Name: patrol_findings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.patrol_findings (
    fid integer NOT NULL,
    geom public.geometry(Geometry,4527),
    patrol_fid integer NOT NULL,
    description text,
    updated_at text
);


--
-- Name: patrol_findings_fid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.patrol_findings_fid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: patrol_findings_fid_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.patrol_findings_fid_seq OWNED BY public.patrol_findings.fid;


--
-- Name: patrols; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.patrols (
    fid integer NOT NULL,
    geom public.geometry(Geometry,4527),
    patrol_date text NOT NULL,
    township text,
    route text,
    people text,
    findings text,
    stop_measures text,
    handling_opinion text,
    updated_at text,
    CONSTRAINT patrols_patrol_date_check CHECK (((patrol_date IS NULL) OR public.weipian_iso_date(patrol_date)))
);


--
-- Name: patrols_fid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.patrols_fid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: patrols_fid_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.patrols_fid_seq OWNED BY public.patrols.fid;


--
-- Name: rejects; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rejects (
    id integer NOT NULL,
    batch_id integer NOT NULL,
    source_row integer,
    jcbh text,
    reason text NOT NULL,
    source_attrs text,
    geom_wkt text
);


--
-- Name: rejects_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.rejects_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: rejects_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.rejects_id_seq OWNED BY public.rejects.id;


--
-- Name: serious_impact; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.serious_impact (
    unit_code text NOT NULL,
    unit_name text,
    reason text NOT NULL,
    marked_by text,
    marked_at text,
    CONSTRAINT serious_impact_reason_check CHECK ((TRIM(BOTH FROM reason) <> ''::text))
);


--
-- Name: settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.settings (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: stage_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stage_events (
    id integer NOT NULL,
    batch_id integer NOT NULL,
    stage text NOT NULL,
    locks integer NOT NULL,
    at text NOT NULL,
    actor text,
    note text,
    snapshot text,
    CONSTRAINT stage_events_stage_check CHECK ((stage = ANY (ARRAY['一上'::text, '一下'::text, '二上'::text])))
);


--
-- Name: stage_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.stage_events_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: stage_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.stage_events_id_seq OWNED BY public.stage_events.id;


--
-- Name: weipian_meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.weipian_meta (
    key text NOT NULL,
    value text
);


--
-- Name: analysis_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_runs ALTER COLUMN id SET DEFAULT nextval('public.analysis_runs_id_seq'::regclass);


--
-- Name: attachments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments ALTER COLUMN id SET DEFAULT nextval('public.attachments_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: batches id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.batches ALTER COLUMN id SET DEFAULT nextval('public.batches_id_seq'::regclass);


--
-- Name: clues fid; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.clues ALTER COLUMN fid SET DEFAULT nextval('public.clues_fid_seq'::regclass);


--
-- Name: interviews id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.interviews ALTER COLUMN id SET DEFAULT nextval('public.interviews_id_seq'::regclass);


--
-- Name: patches fid; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patches ALTER COLUMN fid SET DEFAULT nextval('public.patches_fid_seq'::regclass);


--
-- Name: patrol_findings fid; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patrol_findings ALTER COLUMN fid SET DEFAULT nextval('public.patrol_findings_fid_seq'::regclass);


--
-- Name: patrols fid; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patrols ALTER COLUMN fid SET DEFAULT nextval('public.patrols_fid_seq'::regclass);


--
-- Name: rejects id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rejects ALTER COLUMN id SET DEFAULT nextval('public.rejects_id_seq'::regclass);


--
-- Name: stage_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage_events ALTER COLUMN id SET DEFAULT nextval('public.stage_events_id_seq'::regclass);


--
-- Data for Name: analysis; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: analysis_classes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: analysis_features; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: analysis_run_layers; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: analysis_runs; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: attachments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.attachments VALUES (1, 'patch', 1, 1, '现场.jpg', 'image/jpeg', '照片', '2026-11-30T16:57:24', '李四', NULL, NULL, NULL, NULL, 4, '32461d5bd1773012acef0ba15636752949bd7c2ce50f9172159d9f56cf0dd9af', '\xffd8ffd9');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (1, '2026-11-30T16:57:24', '李四', 'determinations', 1, 'insert', NULL, '{"result" : "违法", "subtype" : "非农违法", "basis" : null, "doc_numbers" : null, "violation_category" : "新增", "violation_type" : null, "is_nonagri" : null, "is_new_housing" : null, "illegal_m2" : 800, "illegal_cultivated_m2" : 500, "illegal_basic_farmland_m2" : 100, "project_name" : null, "offender" : "某公司", "build_time" : null, "from_suggestion" : 0}');
INSERT INTO public.audit_log VALUES (2, '2026-11-30T16:57:24', '王五', 'determinations', 2, 'insert', NULL, '{"result" : "合法", "subtype" : "批文", "basis" : null, "doc_numbers" : null, "violation_category" : null, "violation_type" : null, "is_nonagri" : null, "is_new_housing" : null, "illegal_m2" : null, "illegal_cultivated_m2" : null, "illegal_basic_farmland_m2" : null, "project_name" : null, "offender" : null, "build_time" : null, "from_suggestion" : 0}');
INSERT INTO public.audit_log VALUES (3, '2026-11-30T16:57:24', '赵六', 'rectifications', 1, 'insert', NULL, '{"case_filed" : 1, "case_date" : null, "case_number" : "青国土罚〔2026〕1号", "no_case_reason" : null, "penalty_decision" : null, "fine_yuan" : null, "demolished_m2" : 300, "restored_m2" : null, "supplement_doc" : null, "supplement_m2" : null, "supplement_cultivated_m2" : null, "confiscated_m2" : null, "transfer_department" : null, "transfer_date" : null, "closed_date" : null, "writeoff_status" : null, "writeoff_date" : null, "writeoff_person" : null, "writeoff_reason" : null, "restored_cultivated_m2" : null, "referral_agency" : null, "referral_date" : null, "referral_number" : null}');
INSERT INTO public.audit_log VALUES (4, '2026-11-30T16:57:24', '李四', 'attachments', 1, 'insert', NULL, '{"id" : 1, "file_name" : "现场.jpg", "kind" : "照片", "size_bytes" : 4, "sha256" : "32461d5bd1773012acef0ba15636752949bd7c2ce50f9172159d9f56cf0dd9af"}');
INSERT INTO public.audit_log VALUES (5, '2026-11-30T16:57:24', '李四', 'military_land', 2, 'insert', NULL, '{"military" : 1, "military_source" : "手工", "military_note" : "营区"}');


--
-- Data for Name: audit_seals; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_seals VALUES (1, 'd1b2da89c4e8cdf7ff97ebc7470cb9ab1a5bd936b6172773577e8fd4b193f1c0', '2026-11-30T16:57:24');
INSERT INTO public.audit_seals VALUES (2, '9e054e0e046ab64001d75ca4f08cf7ef1cde246ceec5cc8c2417cc3051ddccf0', '2026-11-30T16:57:24');
INSERT INTO public.audit_seals VALUES (3, '0db2328c068a70f25d0f4255f3e4648fc7cab545e5877dd65fce112e63bf668b', '2026-11-30T16:57:24');
INSERT INTO public.audit_seals VALUES (4, '89dc1d40956c100b883dc86d5d237c7ee3d7f51dc6246c5f6c07f1ef716f3f81', '2026-11-30T16:57:24');
INSERT INTO public.audit_seals VALUES (5, 'ff38d70a349622dc32d090f571cd0d6aedf631c66aa17de4dfe520bc26ca0c07', '2026-11-30T16:57:24');


--
-- Data for Name: batches; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.batches VALUES (1, '2026年03月', '2026-03-02', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0);


--
-- Data for Name: change_types; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.change_types VALUES ('20', '建构筑物', 'construction', '待核', 0);
INSERT INTO public.change_types VALUES ('YH', '硬化', 'construction', '待核', 1);
INSERT INTO public.change_types VALUES ('DL1', '道路', 'construction', '待核', 2);
INSERT INTO public.change_types VALUES ('DL2', '道路', 'construction', '待核', 3);
INSERT INTO public.change_types VALUES ('DL3', '道路', 'construction', '待核', 4);
INSERT INTO public.change_types VALUES ('TL', '铁路', 'construction', '待核', 5);
INSERT INTO public.change_types VALUES ('SJ', '水工', 'construction', '待核', 6);
INSERT INTO public.change_types VALUES ('QT', '其他', 'construction', '待核', 7);
INSERT INTO public.change_types VALUES ('CK', '采矿', 'mining', '待核', 8);
INSERT INTO public.change_types VALUES ('GF', '光伏', 'solar', '待核', 9);
INSERT INTO public.change_types VALUES ('01', '耕地', 'agricultural', '待核', 10);
INSERT INTO public.change_types VALUES ('02', '园地', 'agricultural', '待核', 11);
INSERT INTO public.change_types VALUES ('03', '林地', 'agricultural', '待核', 12);
INSERT INTO public.change_types VALUES ('04', '草地', 'agricultural', '待核', 13);
INSERT INTO public.change_types VALUES ('KT', '坑塘', 'agricultural', '待核', 14);
INSERT INTO public.change_types VALUES ('ND', '农村道路', 'road', '待核', 15);
INSERT INTO public.change_types VALUES ('TD', '推堆土', 'earthworks', '待核', 16);
INSERT INTO public.change_types VALUES ('TP', '推平', 'earthworks', '待核', 17);
INSERT INTO public.change_types VALUES ('DT', '动土', 'earthworks', '待核', 18);
INSERT INTO public.change_types VALUES ('LT', '裸土地', 'earthworks', '待核', 19);
INSERT INTO public.change_types VALUES ('WH', '围海', 'sea', '待核', 20);
INSERT INTO public.change_types VALUES ('TH', '填海', 'sea', '待核', 21);


--
-- Data for Name: clues; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: code_lists; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.code_lists VALUES ('result', '合法', '合法', '', 0);
INSERT INTO public.code_lists VALUES ('result', '违法', '违法', '', 1);
INSERT INTO public.code_lists VALUES ('result', '其他', '其他', '', 2);
INSERT INTO public.code_lists VALUES ('subtype', '批文', '批文', '合法', 0);
INSERT INTO public.code_lists VALUES ('subtype', '供地手续', '供地手续', '合法', 1);
INSERT INTO public.code_lists VALUES ('subtype', '登记发证', '登记发证', '合法', 2);
INSERT INTO public.code_lists VALUES ('subtype', '合法采矿', '合法采矿', '合法', 3);
INSERT INTO public.code_lists VALUES ('subtype', '其他合法手续', '其他合法手续', '合法', 4);
INSERT INTO public.code_lists VALUES ('subtype', '设施农用地', '设施农用地', '其他', 5);
INSERT INTO public.code_lists VALUES ('subtype', '临时用地', '临时用地', '其他', 6);
INSERT INTO public.code_lists VALUES ('subtype', '农村道路', '农村道路', '其他', 7);
INSERT INTO public.code_lists VALUES ('subtype', '不改变原用地性质的光伏用地', '不改变原用地性质的光伏用地', '其他', 8);
INSERT INTO public.code_lists VALUES ('subtype', '实地未变化/伪变化', '实地未变化/伪变化', '其他', 9);
INSERT INTO public.code_lists VALUES ('subtype', '已拆除复耕', '已拆除复耕', '其他', 10);
INSERT INTO public.code_lists VALUES ('subtype', '农村宅基地', '农村宅基地', '其他', 11);
INSERT INTO public.code_lists VALUES ('subtype', '203范围', '203范围', '其他', 12);
INSERT INTO public.code_lists VALUES ('subtype', '边角细缝', '边角细缝', '其他', 13);
INSERT INTO public.code_lists VALUES ('subtype', '出入口', '出入口', '其他', 14);
INSERT INTO public.code_lists VALUES ('subtype', '紧急用地', '紧急用地', '其他', 15);
INSERT INTO public.code_lists VALUES ('subtype', '生态修复', '生态修复', '其他', 16);
INSERT INTO public.code_lists VALUES ('subtype', '电力设施', '电力设施', '其他', 17);
INSERT INTO public.code_lists VALUES ('subtype', '灾毁地块', '灾毁地块', '其他', 18);
INSERT INTO public.code_lists VALUES ('subtype', '其他', '其他', '其他', 19);
INSERT INTO public.code_lists VALUES ('subtype', '先行用地', '先行用地', '其他', 20);
INSERT INTO public.code_lists VALUES ('subtype', '非农违法', '非农违法', '违法', 21);
INSERT INTO public.code_lists VALUES ('subtype', '非粮化', '非粮化', '违法', 22);
INSERT INTO public.code_lists VALUES ('subtype', '无证开采', '无证开采', '违法', 23);
INSERT INTO public.code_lists VALUES ('subtype', '越界开采', '越界开采', '违法', 24);
INSERT INTO public.code_lists VALUES ('subtype', '农业项目破坏耕地', '农业项目破坏耕地', '违法', 25);
INSERT INTO public.code_lists VALUES ('violation_type', '工矿商服', '工矿商服', '', 0);
INSERT INTO public.code_lists VALUES ('violation_type', '民生公益', '民生公益', '', 1);
INSERT INTO public.code_lists VALUES ('violation_type', '道路交通', '道路交通', '', 2);
INSERT INTO public.code_lists VALUES ('violation_type', '圈占堆放', '圈占堆放', '', 3);
INSERT INTO public.code_lists VALUES ('violation_type', '非粮化', '非粮化', '', 4);
INSERT INTO public.code_lists VALUES ('violation_type', '无证开采', '无证开采', '', 5);
INSERT INTO public.code_lists VALUES ('violation_type', '越界开采', '越界开采', '', 6);
INSERT INTO public.code_lists VALUES ('violation_category', '新增', '新增', '', 0);
INSERT INTO public.code_lists VALUES ('violation_category', '存量', '存量', '', 1);
INSERT INTO public.code_lists VALUES ('violation_category', '农业项目破坏耕地', '农业项目破坏耕地', '', 2);
INSERT INTO public.code_lists VALUES ('stage', '一上', '一上', '', 0);
INSERT INTO public.code_lists VALUES ('stage', '一下', '一下', '', 1);
INSERT INTO public.code_lists VALUES ('stage', '二上', '二上', '', 2);


--
-- Data for Name: determinations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.determinations VALUES (1, '违法', '非农违法', NULL, NULL, '新增', NULL, NULL, NULL, 800, 500, 100, NULL, '某公司', NULL, 0, '李四', '2026-11-30T16:57:24', 1);
INSERT INTO public.determinations VALUES (2, '合法', '批文', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, '王五', '2026-11-30T16:57:24', 1);


--
-- Data for Name: interviews; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: military_land; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.military_land VALUES (2, '手工', '营区', '李四', '2026-11-30T16:57:24');


--
-- Data for Name: patches; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.patches VALUES (1, '0106000020AF110000010000000103000000010000000500000000000040C8D5824100000000502D494100000040C8D58241000000005F2D494100000000C7D58241000000005F2D494100000000C7D5824100000000502D494100000040C8D5824100000000502D4941', 1, 'J1', NULL, NULL, 'YH', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1199.9999999296283, 1.7999999998944425, 0, NULL, NULL, NULL, '', NULL, NULL, '2026-03-22', NULL, NULL, NULL);
INSERT INTO public.patches VALUES (2, '0106000020AF110000010000000103000000010000000500000000000060CBD5824100000000502D494100000060CBD58241000000005F2D494100000020CAD58241000000005F2D494100000020CAD5824100000000502D494100000060CBD5824100000000502D4941', 1, 'J2', NULL, NULL, 'YH', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1199.9999995827625, 1.7999999993741438, 0, NULL, NULL, NULL, '', NULL, NULL, '2026-03-22', NULL, NULL, NULL);


--
-- Data for Name: patrol_findings; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: patrols; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: rectifications; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.rectifications VALUES (1, 1, NULL, '青国土罚〔2026〕1号', NULL, NULL, NULL, 300, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '赵六', '2026-11-30T16:57:24', NULL, NULL, NULL, NULL, 1);


--
-- Data for Name: rejects; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: serious_impact; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: settings; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: stage_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.stage_events VALUES (1, 1, '一上', 1, '2026-11-30T16:57:24', '李四', '', '{
 "batch": {
  "name": "2026年03月",
  "received_date": "2026-03-02",
  "file_name": null,
  "checksum": null
 },
 "stage": "一上",
 "at": "2026-11-30T16:57:24",
 "actor": "李四",
 "note": "",
 "patches": [
  {
   "fid": 1,
   "jcbh": "J1",
   "xzqdm": null,
   "xmc": null,
   "tblx": "YH",
   "qsx": null,
   "hsx": null,
   "jcmj_m2": null,
   "tz": null,
   "sfyn": null,
   "sfhx": null,
   "dlbm": null,
   "area_m2": 1199.9999999296283,
   "area_mu": 1.7999999998944425,
   "parent_fid": null,
   "split_state": "",
   "township_code": null,
   "township_name": null,
   "due_date": "2026-03-22",
   "status": "整改中",
   "remaining_m2": 500.0,
   "suggestion": null,
   "determination": {
    "result": "违法",
    "subtype": "非农违法",
    "basis": null,
    "doc_numbers": null,
    "violation_category": "新增",
    "violation_type": null,
    "is_nonagri": null,
    "is_new_housing": null,
    "illegal_m2": 800.0,
    "illegal_cultivated_m2": 500.0,
    "illegal_basic_farmland_m2": 100.0,
    "project_name": null,
    "offender": "某公司",
    "build_time": null,
    "from_suggestion": 0,
    "reviewer": "李四",
    "reviewed_at": "2026-11-30T16:57:24",
    "row_version": 1
   },
   "rectification": {
    "case_filed": 1,
    "case_date": null,
    "case_number": "青国土罚〔2026〕1号",
    "no_case_reason": null,
    "penalty_decision": null,
    "fine_yuan": null,
    "demolished_m2": 300.0,
    "restored_m2": null,
    "supplement_doc": null,
    "supplement_m2": null,
    "supplement_cultivated_m2": null,
    "confiscated_m2": null,
    "transfer_department": null,
    "transfer_date": null,
    "closed_date": null,
    "writeoff_status": null,
    "writeoff_date": null,
    "writeoff_person": null,
    "writeoff_reason": null,
    "updated_by": "赵六",
    "updated_at": "2026-11-30T16:57:24",
    "restored_cultivated_m2": null,
    "referral_agency": null,
    "referral_date": null,
    "referral_number": null,
    "row_version": 1
   },
   "attachments": [
    {
     "file_name": "现场.jpg",
     "kind": "照片",
     "size_bytes": 4,
     "sha256": "32461d5bd1773012acef0ba15636752949bd7c2ce50f9172159d9f56cf0dd9af"
    }
   ]
  }
 ]
}');


--
-- Data for Name: weipian_meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.weipian_meta VALUES ('schema_version', '8');
INSERT INTO public.weipian_meta VALUES ('epsg', '4527');
INSERT INTO public.weipian_meta VALUES ('county_name', '');
INSERT INTO public.weipian_meta VALUES ('county_code', '');
INSERT INTO public.weipian_meta VALUES ('year', '');
INSERT INTO public.weipian_meta VALUES ('created_at', '2026-11-30T16:57:24');


--
-- Name: analysis_runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.analysis_runs_id_seq', 1, false);


--
-- Name: attachments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.attachments_id_seq', 1, true);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 5, true);


--
-- Name: batches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.batches_id_seq', 1, true);


--
-- Name: clues_fid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.clues_fid_seq', 1, false);


--
-- Name: interviews_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.interviews_id_seq', 1, false);


--
-- Name: patches_fid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.patches_fid_seq', 2, true);


--
-- Name: patrol_findings_fid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.patrol_findings_fid_seq', 1, false);


--
-- Name: patrols_fid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.patrols_fid_seq', 1, false);


--
-- Name: rejects_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.rejects_id_seq', 1, false);


--
-- Name: stage_events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.stage_events_id_seq', 1, true);


--
-- Name: analysis analysis_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis
    ADD CONSTRAINT analysis_pkey PRIMARY KEY (patch_fid);


--
-- Name: analysis_run_layers analysis_run_layers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_run_layers
    ADD CONSTRAINT analysis_run_layers_pkey PRIMARY KEY (run_id, role);


--
-- Name: analysis_runs analysis_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_runs
    ADD CONSTRAINT analysis_runs_pkey PRIMARY KEY (id);


--
-- Name: attachments attachments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: audit_seals audit_seals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_seals
    ADD CONSTRAINT audit_seals_pkey PRIMARY KEY (audit_id);


--
-- Name: batches batches_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.batches
    ADD CONSTRAINT batches_name_key UNIQUE (name);


--
-- Name: batches batches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.batches
    ADD CONSTRAINT batches_pkey PRIMARY KEY (id);


--
-- Name: change_types change_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.change_types
    ADD CONSTRAINT change_types_pkey PRIMARY KEY (code);


--
-- Name: clues clues_clue_no_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.clues
    ADD CONSTRAINT clues_clue_no_key UNIQUE (clue_no);


--
-- Name: clues clues_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.clues
    ADD CONSTRAINT clues_pkey PRIMARY KEY (fid);


--
-- Name: code_lists code_lists_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.code_lists
    ADD CONSTRAINT code_lists_pkey PRIMARY KEY (list, parent, code);


--
-- Name: determinations determinations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.determinations
    ADD CONSTRAINT determinations_pkey PRIMARY KEY (patch_fid);


--
-- Name: interviews interviews_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.interviews
    ADD CONSTRAINT interviews_pkey PRIMARY KEY (id);


--
-- Name: military_land military_land_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.military_land
    ADD CONSTRAINT military_land_pkey PRIMARY KEY (patch_fid);


--
-- Name: patches patches_batch_id_jcbh_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patches
    ADD CONSTRAINT patches_batch_id_jcbh_key UNIQUE (batch_id, jcbh);


--
-- Name: patches patches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patches
    ADD CONSTRAINT patches_pkey PRIMARY KEY (fid);


--
-- Name: patrol_findings patrol_findings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patrol_findings
    ADD CONSTRAINT patrol_findings_pkey PRIMARY KEY (fid);


--
-- Name: patrols patrols_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patrols
    ADD CONSTRAINT patrols_pkey PRIMARY KEY (fid);


--
-- Name: rectifications rectifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rectifications
    ADD CONSTRAINT rectifications_pkey PRIMARY KEY (patch_fid);


--
-- Name: rejects rejects_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rejects
    ADD CONSTRAINT rejects_pkey PRIMARY KEY (id);


--
-- Name: serious_impact serious_impact_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.serious_impact
    ADD CONSTRAINT serious_impact_pkey PRIMARY KEY (unit_code);


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (key);


--
-- Name: stage_events stage_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage_events
    ADD CONSTRAINT stage_events_pkey PRIMARY KEY (id);


--
-- Name: weipian_meta weipian_meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.weipian_meta
    ADD CONSTRAINT weipian_meta_pkey PRIMARY KEY (key);


--
-- Name: analysis_classes_patch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX analysis_classes_patch ON public.analysis_classes USING btree (patch_fid);


--
-- Name: analysis_features_patch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX analysis_features_patch ON public.analysis_features USING btree (patch_fid);


--
-- Name: attachments_owner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attachments_owner ON public.attachments USING btree (owner, owner_id);


--
-- Name: attachments_patch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attachments_patch ON public.attachments USING btree (patch_fid);


--
-- Name: audit_patch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_patch ON public.audit_log USING btree (patch_fid);


--
-- Name: clues_discovered; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX clues_discovered ON public.clues USING btree (discovered);


--
-- Name: clues_geom; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX clues_geom ON public.clues USING gist (geom);


--
-- Name: patches_batch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patches_batch ON public.patches USING btree (batch_id);


--
-- Name: patches_geom; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patches_geom ON public.patches USING gist (geom);


--
-- Name: patrol_findings_geom; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patrol_findings_geom ON public.patrol_findings USING gist (geom);


--
-- Name: patrol_findings_patrol; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patrol_findings_patrol ON public.patrol_findings USING btree (patrol_fid);


--
-- Name: patrols_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patrols_date ON public.patrols USING btree (patrol_date);


--
-- Name: patrols_geom; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX patrols_geom ON public.patrols USING gist (geom);


--
-- Name: stage_events_batch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX stage_events_batch ON public.stage_events USING btree (batch_id, id);


--
-- Name: attachments attachments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER attachments_audit AFTER INSERT OR DELETE OR UPDATE ON public.attachments FOR EACH ROW EXECUTE FUNCTION public.attachments_audit();


--
-- Name: attachments attachments_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER attachments_truncate BEFORE TRUNCATE ON public.attachments FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: audit_log audit_log_append_only_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: audit_log audit_log_order; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_order BEFORE INSERT ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.weipian_audit_order();


--
-- Name: audit_log audit_log_seal; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_seal AFTER INSERT ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.weipian_audit_seal();


--
-- Name: audit_seals audit_seals_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_seals_append_only BEFORE DELETE OR UPDATE ON public.audit_seals FOR EACH ROW EXECUTE FUNCTION public.audit_seals_append_only();


--
-- Name: audit_seals audit_seals_append_only_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_seals_append_only_truncate BEFORE TRUNCATE ON public.audit_seals FOR EACH STATEMENT EXECUTE FUNCTION public.audit_seals_append_only();


--
-- Name: clues clues_attachments_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER clues_attachments_delete AFTER DELETE ON public.clues FOR EACH ROW EXECUTE FUNCTION public.owner_attachments_delete('clue');


--
-- Name: determinations determinations_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER determinations_audit AFTER INSERT OR DELETE OR UPDATE ON public.determinations FOR EACH ROW EXECUTE FUNCTION public.determinations_audit();


--
-- Name: determinations determinations_lock; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER determinations_lock BEFORE INSERT OR DELETE OR UPDATE ON public.determinations FOR EACH ROW EXECUTE FUNCTION public.determinations_lock();


--
-- Name: determinations determinations_row_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER determinations_row_version BEFORE UPDATE ON public.determinations FOR EACH ROW EXECUTE FUNCTION public.determinations_row_version();


--
-- Name: determinations determinations_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER determinations_truncate BEFORE TRUNCATE ON public.determinations FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: military_land military_land_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER military_land_audit AFTER INSERT OR DELETE ON public.military_land FOR EACH ROW EXECUTE FUNCTION public.military_land_audit();


--
-- Name: patches patches_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER patches_audit AFTER DELETE OR UPDATE ON public.patches FOR EACH ROW EXECUTE FUNCTION public.patches_audit();


--
-- Name: patches patches_lock; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER patches_lock BEFORE INSERT OR DELETE OR UPDATE ON public.patches FOR EACH ROW EXECUTE FUNCTION public.patches_lock();


--
-- Name: patches patches_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER patches_truncate BEFORE TRUNCATE ON public.patches FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: patrol_findings patrol_findings_attachments_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER patrol_findings_attachments_delete AFTER DELETE ON public.patrol_findings FOR EACH ROW EXECUTE FUNCTION public.owner_attachments_delete('finding');


--
-- Name: rectifications rectifications_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER rectifications_audit AFTER INSERT OR DELETE OR UPDATE ON public.rectifications FOR EACH ROW EXECUTE FUNCTION public.rectifications_audit();


--
-- Name: rectifications rectifications_row_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER rectifications_row_version BEFORE UPDATE ON public.rectifications FOR EACH ROW EXECUTE FUNCTION public.rectifications_row_version();


--
-- Name: rectifications rectifications_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER rectifications_truncate BEFORE TRUNCATE ON public.rectifications FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: stage_events stage_events_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER stage_events_append_only BEFORE DELETE OR UPDATE ON public.stage_events FOR EACH ROW EXECUTE FUNCTION public.stage_events_append_only();


--
-- Name: stage_events stage_events_append_only_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER stage_events_append_only_truncate BEFORE TRUNCATE ON public.stage_events FOR EACH STATEMENT EXECUTE FUNCTION public.stage_events_append_only();


--
-- Name: stage_events stage_events_order; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER stage_events_order BEFORE INSERT ON public.stage_events FOR EACH STATEMENT EXECUTE FUNCTION public.weipian_audit_order();


--
-- Name: analysis_classes analysis_classes_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_classes
    ADD CONSTRAINT analysis_classes_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: analysis_features analysis_features_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_features
    ADD CONSTRAINT analysis_features_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: analysis analysis_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis
    ADD CONSTRAINT analysis_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: analysis_run_layers analysis_run_layers_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analysis_run_layers
    ADD CONSTRAINT analysis_run_layers_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.analysis_runs(id);


--
-- Name: attachments attachments_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: determinations determinations_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.determinations
    ADD CONSTRAINT determinations_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: military_land military_land_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.military_land
    ADD CONSTRAINT military_land_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: patches patches_batch_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patches
    ADD CONSTRAINT patches_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.batches(id);


--
-- Name: patches patches_parent_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patches
    ADD CONSTRAINT patches_parent_fid_fkey FOREIGN KEY (parent_fid) REFERENCES public.patches(fid);


--
-- Name: patrol_findings patrol_findings_patrol_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.patrol_findings
    ADD CONSTRAINT patrol_findings_patrol_fid_fkey FOREIGN KEY (patrol_fid) REFERENCES public.patrols(fid) ON DELETE CASCADE;


--
-- Name: rectifications rectifications_patch_fid_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rectifications
    ADD CONSTRAINT rectifications_patch_fid_fkey FOREIGN KEY (patch_fid) REFERENCES public.patches(fid);


--
-- Name: rejects rejects_batch_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rejects
    ADD CONSTRAINT rejects_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.batches(id);


--
-- Name: stage_events stage_events_batch_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage_events
    ADD CONSTRAINT stage_events_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.batches(id);


--
-- PostgreSQL database dump complete
--


